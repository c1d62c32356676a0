package io.iopkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's loopback gateway ({@code iop-sandbox --doc-samples --exit-on-eof}) in a child
 * process; closing its stdin stops it. Path: env {@code IOP_SANDBOX}, else the system property
 * {@code iopkit.sandbox} (set by the POM), else {@code ../../target/debug/iop-sandbox}.
 */
final class Sandbox implements AutoCloseable {
    static final String APP_KEY = "100001";
    static final String APP_SECRET = "sandboxSecret-100001-0123456789abcdef";
    static final String NON_REFRESHABLE_APP_KEY = "100002";
    static final String NON_REFRESHABLE_APP_SECRET = "sandboxSecret-100002-0123456789abcdef";
    /** The sandbox's default EnOS app (the seeds' appKey). */
    static final String ENOS_APP_KEY = "5acb82e7-a11e-4300-9164-c8b20b638e8b";
    static final String ENOS_APP_SECRET = "sandboxEnosSecret-5acb82e7-0123456789abcdef";
    /** The seed 004 access token, valid with {@code --doc-samples}. */
    static final String ENOS_SEED_TOKEN = "adsfwerasdfsdfasggaaf";
    /** The sandbox's protected EnOS API. */
    static final String ENOS_DEVICES = "/connect-service/v2.1/devices";

    private final Process process;
    final String url;

    private Sandbox(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    static Path binary() {
        String env = System.getenv("IOP_SANDBOX");
        String path = env != null && !env.isEmpty() ? env : System.getProperty("iopkit.sandbox", "../../target/debug/iop-sandbox");
        return Path.of(path).toAbsolutePath().normalize();
    }

    static Sandbox start() throws IOException {
        Path bin = binary();
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("sandbox binary not found: " + bin
                    + " (build it with `cargo build -p iopkit-sandbox`, or set IOP_SANDBOX)");
        }
        ProcessBuilder pb = new ProcessBuilder(bin.toString(), "--doc-samples", "--exit-on-eof");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        String prefix = "iop-sandbox listening on ";
        if (first == null || !first.startsWith(prefix)) {
            p.destroyForcibly();
            throw new IOException("unexpected sandbox banner: " + first);
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // The rest of the banner: discarded.
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        }, "sandbox-stdout");
        drain.setDaemon(true);
        drain.start();
        return new Sandbox(p, first.substring(prefix.length()).trim());
    }

    /** Lazada GOP base ({@code …/lazada/rest}). */
    String lazada() {
        return url + "/lazada/rest";
    }

    /** Taobao TW GOP base. */
    String tw() {
        return url + "/tw/rest";
    }

    /** AliExpress GOP base ({@code …/aliexpress/rest}). */
    String aliexpress() {
        return url + "/aliexpress/rest";
    }

    /** AliExpress bare host: GOP appends {@code /rest}, TOP uses {@code /sync}. */
    String aliexpressHost() {
        return url + "/aliexpress";
    }

    /** A fresh one-time authorization code for {@code appKey}. */
    String code(String appKey) throws IOException {
        String body = post("/_sandbox/code?client_id=" + appKey);
        Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
        if (!m.find()) {
            throw new IOException("no code in " + body);
        }
        return m.group(1);
    }

    /** A code obtained as a seller would: the OAuth page redirects back with {@code ?code=…&state=…}. */
    String codeThroughOAuth(String appKey, String state) throws IOException {
        String redirect = "https://example.invalid/callback";
        Reply r = http("GET", "/lazada/oauth/authorize?response_type=code&force_auth=true&redirect_uri=" + redirect
                + "&client_id=" + appKey + "&state=" + state);
        if (r.status != 302) {
            throw new IOException("authorize answered " + r.status + ": " + r.body);
        }
        String location = r.header("location");
        if (!location.startsWith(redirect) || !location.contains("state=" + state)) {
            throw new IOException("unexpected redirect " + location);
        }
        Matcher m = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        if (!m.find()) {
            throw new IOException("no code in " + location);
        }
        return java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    /** Arms fault {@code mode} (e.g. {@code throttle;seconds=3}) for the next {@code count} requests to {@code route}. */
    void armFault(String route, String mode, int count) throws IOException {
        post("/_sandbox/faults?route=" + java.net.URLEncoder.encode(route, StandardCharsets.UTF_8) + "&mode="
                + java.net.URLEncoder.encode(mode, StandardCharsets.UTF_8) + "&count=" + count);
    }

    /** Requests that reached {@code route} (an API name such as {@code /auth/token/refresh}) so far. */
    long routeHits(String route) throws IOException {
        Reply r = http("GET", "/_sandbox/faults");
        if (r.status != 200) {
            throw new IOException("/_sandbox/faults answered " + r.status + ": " + r.body);
        }
        Matcher m = Pattern.compile("\"" + Pattern.quote(route) + "\"\\s*:\\s*(\\d+)").matcher(r.body);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** A plain GET on its own connection, redirects not followed. */
    Reply get(String pathAndQuery) throws IOException {
        return http("GET", pathAndQuery);
    }

    /** Moves the sandbox's token clock forward. */
    void advanceClock(long seconds) throws IOException {
        post("/_sandbox/clock/advance?seconds=" + seconds);
    }

    /** Registers {@code url} (loopback http) as the receiver of {@code appKey}'s push messages. */
    void registerPush(String receiverUrl, String appKey) throws IOException {
        post("/_sandbox/push/register?url=" + java.net.URLEncoder.encode(receiverUrl, StandardCharsets.UTF_8)
                + "&app_key=" + appKey);
    }

    /** Queues a type-0 trade-order push about {@code sellerId}; its message id. */
    long pushOrder(String sellerId) throws IOException {
        return com.google.gson.JsonParser.parseString(post("/_sandbox/push/order?seller_id=" + sellerId))
                .getAsJsonObject().get("id").getAsLong();
    }

    /** Makes the next {@code count} push deliveries carry a wrong Authorization. */
    void armPushBadSignature(int count) throws IOException {
        post("/_sandbox/push/faults?mode=bad-signature&count=" + count);
    }

    /** Delivers every push due now on the virtual clock; returns when done. */
    void flushPush() throws IOException {
        post("/_sandbox/push/flush");
    }

    /** Every push delivery attempt so far ({@code id, message_type, seller_id, attempt, at_ms, status, bad_signature, …}). */
    java.util.List<com.google.gson.JsonObject> pushLog() throws IOException {
        Reply r = http("GET", "/_sandbox/push/log");
        if (r.status != 200) {
            throw new IOException("/_sandbox/push/log answered " + r.status + ": " + r.body);
        }
        return com.google.gson.JsonParser.parseString(r.body).getAsJsonObject().getAsJsonArray("deliveries").asList()
                .stream().map(com.google.gson.JsonElement::getAsJsonObject).toList();
    }

    /** Replaces the sandbox's limits with the JSON object {@code limits} ({@code {"daily":1}}, …). */
    void setLimits(String limits) throws IOException {
        Reply r = http("POST", "/_sandbox/limits", limits);
        if (r.status != 200) {
            throw new IOException("/_sandbox/limits answered " + r.status + ": " + r.body);
        }
    }

    /** Removes every limit and forgets bans and daily counts. */
    void clearLimits() throws IOException {
        setLimits("{}");
        post("/_sandbox/limits/reset");
    }

    private String post(String path) throws IOException {
        Reply r = http("POST", path);
        if (r.status != 200) {
            throw new IOException(path + " answered " + r.status + ": " + r.body);
        }
        return r.body;
    }

    /** An HTTP/1.1 answer. */
    static final class Reply {
        final int status;
        final String head;
        final String body;

        Reply(int status, String head, String body) {
            this.status = status;
            this.head = head;
            this.body = body;
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    /**
     * One control request on its own connection ({@code Connection: close}), so that no idle
     * keep-alive connection of the test harness holds one of the sandbox's connection threads.
     */
    private Reply http(String method, String pathAndQuery) throws IOException {
        return http(method, pathAndQuery, "");
    }

    private Reply http(String method, String pathAndQuery, String body) throws IOException {
        URI u = URI.create(url);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 5_000);
            s.setSoTimeout(10_000);
            String request = method + " " + pathAndQuery + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
                    + "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\nConnection: close\r\n\r\n" + body;
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = all.indexOf("\r\n\r\n");
            if (!all.startsWith("HTTP/1.1 ") || split < 0) {
                throw new IOException("unexpected answer to " + pathAndQuery + ": " + all);
            }
            int status = Integer.parseInt(all.substring(9, 12));
            return new Reply(status, all.substring(0, split), all.substring(split + 4));
        }
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
