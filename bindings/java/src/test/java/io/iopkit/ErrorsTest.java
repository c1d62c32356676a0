package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Transport failures (each status's exception from a real call), bad arguments, the status → exception table. */
class ErrorsTest {

    /** A one-shot loopback server: each accepted connection is handed to {@code handler}. */
    static final class FakeServer implements AutoCloseable {
        final ServerSocket socket;
        private final List<Socket> open = new ArrayList<>();
        private final Thread thread;

        FakeServer(Consumer<Socket> handler) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        synchronized (open) {
                            open.add(s);
                        }
                        handler.accept(s);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "fake-server");
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/rest";
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    /** Reads the request head (until the blank line) so that the client sees it was received. */
    static void readHead(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
    }

    static Consumer<Socket> answer(String raw) {
        return s -> {
            try {
                readHead(s);
                OutputStream out = s.getOutputStream();
                out.write(raw.getBytes(StandardCharsets.UTF_8));
                out.flush();
                s.close();
            } catch (IOException ignored) {
                // The client went away.
            }
        };
    }

    static IopRequest tokenRequest() {
        IopRequest r = new IopRequest("/auth/token/create");
        r.addApiParameter("code", "c");
        return r;
    }

    @Test
    void readTimeoutWhenTheServerNeverAnswers() throws Exception {
        try (FakeServer server = new FakeServer(s -> { /* accept, never answer */ });
                IopClient client = new IopClient(server.url(), "k", "s", 2_000, 400)) {
            long start = System.nanoTime();
            IopTimeoutException e = assertThrows(IopTimeoutException.class, () -> client.execute(tokenRequest()));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 350 && ms < 800, "timed out after " + ms + " ms (read timeout 400 ms)");
            assertEquals(IopStatus.TIMEOUT, e.getStatus());
            assertEquals(0, e.getHttpStatus());
            // The official SDKs' exception type catches it too.
            ApiException api = assertThrows(ApiException.class, () -> client.createToken("c"));
            assertInstanceOf(IopTimeoutException.class, api);
            // A shorter timeout set later applies to the next call.
            client.setReadTimeout(150);
            start = System.nanoTime();
            assertThrows(IopTimeoutException.class, () -> client.execute(tokenRequest()));
            ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 300, "timed out after " + ms + " ms (read timeout 150 ms)");
        }
    }

    @Test
    void closedPortIsAConnectError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (IopClient client = new IopClient("http://127.0.0.1:" + port + "/rest", "k", "s")) {
            long start = System.nanoTime();
            IopConnectException e = assertThrows(IopConnectException.class, () -> client.execute(tokenRequest()));
            assertTrue((System.nanoTime() - start) / 1_000_000 < 2_000);
            assertEquals(IopStatus.CONNECT, e.getStatus());
            assertThrows(IopConnectException.class, () -> client.createToken("c"));
            assertThrows(IopConnectException.class, () -> client.refreshToken("r"));
        }
    }

    @Test
    void htmlErrorPageIsAnHttpError() throws Exception {
        String page = "<html><body>502 Bad Gateway</body></html>";
        try (FakeServer server = new FakeServer(answer("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: "
                + page.length() + "\r\nConnection: close\r\n\r\n" + page));
                IopClient client = new IopClient(server.url(), "k", "s")) {
            IopHttpException e = assertThrows(IopHttpException.class, () -> client.execute(tokenRequest()));
            assertEquals(502, e.getHttpStatus());
            assertTrue(e.getMessage().contains("Bad Gateway"), e.getMessage());
        }
    }

    @Test
    void nonJsonSuccessIsMalformed() throws Exception {
        try (FakeServer server = new FakeServer(answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"));
                IopClient client = new IopClient(server.url(), "k", "s")) {
            IopMalformedResponseException e = assertThrows(IopMalformedResponseException.class,
                    () -> client.execute(tokenRequest()));
            assertEquals(200, e.getHttpStatus());
        }
    }

    @Test
    void oversizedBodyIsMalformed() throws Exception {
        String body = "{\"code\":\"0\",\"pad\":\"" + "x".repeat(4096) + "\"}";
        try (FakeServer server = new FakeServer(answer("HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body));
                IopClient client = new IopClient(server.url(), "k", "s")) {
            client.setMaxResponseBytes(1024);
            assertThrows(IopMalformedResponseException.class, () -> client.execute(tokenRequest()));
        }
    }

    @Test
    void connectionDroppedAfterTheRequestIsANetworkError() throws Exception {
        try (FakeServer server = new FakeServer(s -> {
                    try {
                        readHead(s);
                        s.close();
                    } catch (IOException ignored) {
                        // Closed.
                    }
                });
                IopClient client = new IopClient(server.url(), "k", "s")) {
            IopNetworkException e = assertThrows(IopNetworkException.class, () -> client.execute(tokenRequest()));
            assertEquals(IopStatus.NETWORK, e.getStatus());
        }
    }

    @Test
    void tlsToAPlainServerIsATlsError() throws Exception {
        // Answers at once, without reading: the TLS client gets plain HTTP instead of a ServerHello.
        try (FakeServer server = new FakeServer(s -> {
                    try {
                        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                    } catch (IOException ignored) {
                        // The client went away.
                    }
                });
                IopClient client = new IopClient("https://127.0.0.1:" + server.socket.getLocalPort() + "/rest", "k", "s",
                        2_000, 2_000)) {
            IopTlsException e = assertThrows(IopTlsException.class, () -> client.execute(tokenRequest()));
            assertEquals(IopStatus.TLS, e.getStatus());
        }
    }

    @Test
    void invalidCaBundleIsRefused() {
        try (IopClient client = new IopClient("https://127.0.0.1:1/rest", "k", "s")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> client.setCaBundle("/nonexistent/iopkit-ca.pem"));
            assertInstanceOf(IopInvalidArgumentException.class, e.getCause());
            client.setCaBundle(null);
        }
    }

    @Test
    void badConstructorArguments() {
        assertThrows(IllegalArgumentException.class, () -> new IopClient(null, "k", "s"));
        assertThrows(IllegalArgumentException.class, () -> new IopClient("https://api.taobao.tw/rest", null, "s"));
        assertThrows(IllegalArgumentException.class, () -> new IopClientImpl("https://api.taobao.tw/rest", "k", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IopClient("https://api.taobao.tw/rest", "", "s"));
        assertTrue(e.getMessage().contains("app_key"), e.getMessage());
        assertInstanceOf(IopInvalidArgumentException.class, e.getCause());
        assertThrows(IllegalArgumentException.class, () -> new IopClient("https://api.taobao.tw/rest", "k", ""));
        assertThrows(IllegalArgumentException.class, () -> new IopClient("ftp://api.taobao.tw/rest", "k", "s"));
        assertThrows(IllegalArgumentException.class, () -> new IopClient("not a url", "k", "s"));
        assertThrows(IllegalArgumentException.class, () -> new IopClient("https://api.taobao.tw/rest?x=1", "k", "s"));
        assertThrows(IllegalArgumentException.class, () -> new IopClient("https://api.taobao.tw/rest", "k", "s", 0, 1000));
        assertThrows(IllegalArgumentException.class, () -> new IopClient("https://api.taobao.tw/rest", "k", "s", 1000, -2));
        new IopClient("https://api.taobao.tw/rest", "k", "s", -1, -1).close(); // -1: the defaults
    }

    @Test
    void badCallArguments() throws Exception {
        try (IopClient client = new IopClient("http://127.0.0.1:9/rest", "k", "s")) {
            assertThrows(NullPointerException.class, () -> client.execute(null));
            assertThrows(NullPointerException.class, () -> client.execute(tokenRequest(), (Protocol) null));
            assertInvalid(() -> client.createToken(null), "code");
            assertInvalid(() -> client.refreshToken(null), "refresh_token");
            assertThrows(IllegalArgumentException.class, () -> new IopRequest("/x").setHttpMethod("PUT"));
            assertThrows(IllegalArgumentException.class, () -> client.setConnectTimeout(0));
            assertThrows(IllegalArgumentException.class, () -> client.setPartnerId(""));

            // Checked, from the core's validation (the message names the argument).
            assertInvalid(() -> client.createToken(""), "code");
            assertInvalid(() -> client.refreshToken(""), "refresh_token");
            assertInvalid(() -> client.execute(new IopRequest()), "api_name");
            assertInvalid(() -> client.execute(new IopRequest("/x\0y")), "NUL");
            assertInvalid(() -> client.execute(new IopRequest("")), "api_name");
            assertInvalid(() -> client.execute(new IopRequest(" /x")), "api_name");
            assertInvalid(() -> client.execute(new IopRequest("x.y.z"), Protocol.GOP), "api_name");
            assertInvalid(() -> client.execute(tokenRequest(), ""), "access_token");
            IopRequest sign = new IopRequest("/x");
            sign.addApiParameter("sign", "forged");
            assertInvalid(() -> client.execute(sign), "sign");
            IopRequest emptyKey = new IopRequest("/x");
            emptyKey.addApiParameter("", "v");
            assertInvalid(() -> client.execute(emptyKey), "key");
            IopRequest header = new IopRequest("/x");
            header.addHeaderParameter("X-Bad", "a\r\nb");
            assertInvalid(() -> client.execute(header), "value");
            IopRequest fileWithGet = new IopRequest("/x", "get");
            fileWithGet.addFileParameter("f", "a.bin", new byte[] {1});
            assertInvalid(() -> client.execute(fileWithGet), "POST");
            IopRequest missingFile = new IopRequest("/x");
            missingFile.addFileParameter("f", new FileItem("/nonexistent/iopkit-test-file"));
            assertInvalid(() -> client.execute(missingFile), "file");
        }
        // Plain HTTP to a remote host is refused before anything is sent.
        try (IopClient remote = new IopClient("http://api.taobao.tw/rest", "k", "s")) {
            assertInvalid(() -> remote.execute(tokenRequest()), "server_url");
        }
    }

    interface Call {
        void run() throws Exception;
    }

    static void assertInvalid(Call call, String mention) {
        IopInvalidArgumentException e = assertThrows(IopInvalidArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(mention), "message should mention " + mention + ": " + e.getMessage());
        assertEquals(IopStatus.INVALID_ARGUMENT, e.getStatus());
    }

    @Test
    void everyStatusHasItsOwnException() {
        Set<Class<?>> classes = new HashSet<>();
        for (IopStatus status : IopStatus.values()) {
            assertEquals(status.cName(), Iopkit.statusName(status.value()));
            if (status == IopStatus.OK) {
                continue;
            }
            IopException e = IopException.fromNative(status.value(), "m", "C", "ISV", "s", "sm", "r", 400, -1);
            assertEquals(status, e.getStatus());
            assertNotEquals(IopException.class, e.getClass());
            assertTrue(classes.add(e.getClass()), "class " + e.getClass() + " used twice");
            assertInstanceOf(ApiException.class, e);
            assertEquals("m", e.getMessage());
            assertEquals("sm", e.getSubMessage());
        }
        IopException p = IopException.fromNative(IopStatus.PLATFORM.value(), "m", "C", "ISV", "s", "sm", "r", 400, 20_000);
        assertInstanceOf(IopPlatformException.class, p);
        IopException expired = IopException.fromNative(IopStatus.TOKEN_EXPIRED.value(), "m", "1203", null, null, null, null, 200, -1);
        assertInstanceOf(IopPlatformException.class, expired); // as in 0.1 and the other bindings
        assertEquals(IopStatus.TOKEN_EXPIRED, expired.getStatus());
        assertEquals("C", p.getCode());
        assertEquals("C", p.getErrCode());
        assertEquals("ISV", p.getType());
        assertEquals("s", p.getSubCode());
        assertEquals("sm", p.getSubMessage());
        assertEquals("sm", p.getSubErrMsg());
        assertEquals("r", p.getRequestId());
        assertEquals(400, p.getHttpStatus());
        assertEquals(java.time.Duration.ofSeconds(20), p.getRetryAfter());
        assertNull(IopException.fromNative(8, "m", "C", null, null, null, null, 400, -1).getRetryAfter());
        assertInstanceOf(IopInternalException.class, IopException.fromNative(99, "m", null, null, null, null, null, 0, -1));
    }
}
