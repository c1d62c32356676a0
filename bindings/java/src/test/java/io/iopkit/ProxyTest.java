package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Calls through an HTTP CONNECT proxy: explicit setting, the JVM's proxy properties, failures. */
class ProxyTest extends SandboxTest {
    private static final String[] PROPERTIES = {"https.proxyHost", "https.proxyPort", "http.nonProxyHosts"};

    @Test
    void callsGoThroughTheExplicitProxy() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy(null);
                IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            client.setProxy(proxy.url());
            String token = client.createToken(sandbox.code(Sandbox.APP_KEY)).getAccessToken();
            assertTrue(client.execute(new IopRequest("/seller/get"), token).isSuccess());
            int tunnels = proxy.tunnels.get();
            assertTrue(tunnels >= 1, "tunnels: " + tunnels);

            client.setProxy(""); // direct, whatever the environment and properties say
            assertTrue(client.execute(new IopRequest("/seller/get"), token).isSuccess());
            assertEquals(tunnels, proxy.tunnels.get());
        }
    }

    @Test
    void proxyCredentialsAreSentAndNeverShown() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("user:pa55word".getBytes(StandardCharsets.UTF_8));
        try (ConnectProxy proxy = new ConnectProxy(basic);
                IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            client.setMaxConnectRetries(0);
            client.setProxy("http://user:pa55word@127.0.0.1:" + proxy.port());
            assertTrue(client.execute(new IopRequest("/seller/get"), "tok").getHttpStatus() > 0);
            assertEquals(1, proxy.tunnels.get());
            assertTrue(proxy.authorizations.contains(basic));

        }
        try (ConnectProxy proxy = new ConnectProxy(basic);
                IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            client.setMaxConnectRetries(0);
            client.setProxy("http://user:wrong-pa55@127.0.0.1:" + proxy.port());
            IopConnectException e = assertThrows(IopConnectException.class,
                    () -> client.execute(new IopRequest("/seller/get"), "tok"));
            assertTrue(e.getMessage().startsWith("proxy http://127.0.0.1:" + proxy.port()), e.getMessage());
            assertTrue(e.getMessage().contains("407"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-pa55"), e.getMessage());
            assertFalse(client.toString().contains("pa55"));
            assertEquals(0, proxy.tunnels.get());
        }
    }

    @Test
    void aDeadProxyIsNamedInTheError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            client.setMaxConnectRetries(0);
            client.setProxy("http://127.0.0.1:" + port);
            IopConnectException e = assertThrows(IopConnectException.class,
                    () -> client.execute(new IopRequest("/seller/get"), "tok"));
            assertTrue(e.getMessage().startsWith("proxy http://127.0.0.1:" + port), e.getMessage());
        }
        try (EnosClient enos = new EnosClient(sandbox.url, Sandbox.ENOS_APP_KEY, Sandbox.ENOS_APP_SECRET)) {
            enos.setMaxConnectRetries(0);
            enos.setProxy("http://127.0.0.1:" + port);
            IopConnectException e = assertThrows(IopConnectException.class, enos::getToken);
            assertTrue(e.getMessage().startsWith("proxy http://127.0.0.1:" + port), e.getMessage());
        }
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> client.setProxy("socks5://127.0.0.1:1080"));
            assertTrue(bad.getCause() instanceof IopInvalidArgumentException);
        }
    }

    @Test
    void nonProxyHostsPatterns() {
        assertTrue(JvmProxy.excluded("api.example.com", "localhost|*.example.com"));
        assertTrue(JvmProxy.excluded("127.0.0.1", "127.*"));
        assertTrue(JvmProxy.excluded("API.Example.COM", "api.example.*"));
        assertFalse(JvmProxy.excluded("example.com.evil", "*.example.com"));
        assertFalse(JvmProxy.excluded("a.b", ""));
        assertFalse(JvmProxy.excluded("a(b)c", "a.b.c"));
    }

    @Test
    void theJvmProxyPropertiesApplyWhenNoProxyIsSet() throws Exception {
        String[] saved = new String[PROPERTIES.length];
        for (int i = 0; i < PROPERTIES.length; i++) {
            saved[i] = System.getProperty(PROPERTIES[i]);
        }
        try (ConnectProxy proxy = new ConnectProxy(null)) {
            System.setProperty("https.proxyHost", "127.0.0.1");
            System.setProperty("https.proxyPort", Integer.toString(proxy.port()));
            // The JDK's default http.nonProxyHosts keeps loopback direct: list another host instead.
            System.setProperty("http.nonProxyHosts", "*.example.com");
            try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
                    EnosClient enos = new EnosClient(sandbox.url, Sandbox.ENOS_APP_KEY, Sandbox.ENOS_APP_SECRET)) {
                assertTrue(client.execute(new IopRequest("/seller/get"), "tok").getHttpStatus() > 0);
                assertEquals(1, proxy.tunnels.get());
                assertFalse(enos.getToken().getAccessToken().isEmpty());
                assertEquals(2, proxy.tunnels.get());
                client.setProxy(""); // an explicit setting wins
                client.execute(new IopRequest("/seller/get"), "tok");
                assertEquals(2, proxy.tunnels.get());
            }
            System.setProperty("http.nonProxyHosts", "localhost|127.*");
            try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
                client.execute(new IopRequest("/seller/get"), "tok");
                assertEquals(2, proxy.tunnels.get(), "127.0.0.1 is in http.nonProxyHosts");
            }
            System.clearProperty("http.nonProxyHosts");
            try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
                client.execute(new IopRequest("/seller/get"), "tok");
                assertEquals(2, proxy.tunnels.get(), "the JDK's default nonProxyHosts covers loopback");
            }
        } finally {
            for (int i = 0; i < PROPERTIES.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(PROPERTIES[i]);
                } else {
                    System.setProperty(PROPERTIES[i], saved[i]);
                }
            }
        }
    }
}
