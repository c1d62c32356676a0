package io.iopkit;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * The proxy the JVM's standard properties name for a gateway URL: {@code https.proxyHost} and
 * {@code https.proxyPort} (default 443), unless the URL's host matches {@code http.nonProxyHosts}
 * ({@code |}-separated, {@code *} wildcards; unset: the JDK's default, loopback and
 * {@code localhost}). Package-private.
 */
final class JvmProxy {
    /** The JDK's {@code http.nonProxyHosts} when the property is not set. */
    private static final String JDK_DEFAULT_NON_PROXY_HOSTS = "localhost|127.*|[::1]|0.0.0.0|[::0]";

    private JvmProxy() {}

    /** {@code http://host:port} for {@code url}, {@code ""} when its host is excluded, or {@code null} when no property is set. */
    static String forUrl(String url) {
        String host = System.getProperty("https.proxyHost");
        if (host == null || host.isBlank()) {
            return null;
        }
        String port = System.getProperty("https.proxyPort", "443").trim();
        String target = targetHost(url);
        if (target != null && excluded(target, System.getProperty("http.nonProxyHosts", JDK_DEFAULT_NON_PROXY_HOSTS))) {
            return "";
        }
        host = host.trim();
        return "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String targetHost(String url) {
        try {
            return url == null ? null : URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether {@code host} matches one of the {@code |}-separated patterns. */
    static boolean excluded(String host, String patterns) {
        for (String p : patterns.split("\\|")) {
            String pattern = p.trim();
            if (pattern.isEmpty()) {
                continue;
            }
            String regex = ("\\Q" + pattern.toLowerCase() + "\\E").replace("*", "\\E.*\\Q");
            if (Pattern.matches(regex, host.toLowerCase())) {
                return true;
            }
        }
        return false;
    }
}
