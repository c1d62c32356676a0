package io.iopkit;

import static io.iopkit.ErrorsTest.assertInvalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The EnOS client against the sandbox's token service and protected API, and the signing vectors. */
class EnosTest {
    private static Sandbox sandbox;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stop() throws Exception {
        sandbox.close();
    }

    private static EnosClient enos(Sandbox s) {
        return new EnosClient(s.url, Sandbox.ENOS_APP_KEY, Sandbox.ENOS_APP_SECRET);
    }

    /** A fresh EnOS token lives 7200 s from about now. */
    private static void assertFullLifetime(EnosToken t, Instant before) {
        assertTrue(t.getAccessToken().startsWith("APP_TOKEN_"), "unexpected token shape");
        Instant after = Instant.now();
        assertFalse(t.getExpiresAt().isBefore(before.plusSeconds(7199)), t.toString());
        assertFalse(t.getExpiresAt().isAfter(after.plusSeconds(7200)), t.toString());
        assertFalse(t.toString().contains(t.getAccessToken()), "toString hides the token");
    }

    @Test
    void seed004RefreshWithTheSeedsAppKeyAndAccessToken() throws Exception {
        // The seed's request: appKey 5acb82e7-…, accessToken adsfwerasdfsdfasggaaf; the client
        // computes encryption over a fresh timestamp (the sandbox checks both).
        Instant before = Instant.now();
        try (EnosClient enos = enos(sandbox)) {
            EnosToken refreshed = enos.refreshToken(Sandbox.ENOS_SEED_TOKEN);
            assertNotEquals(Sandbox.ENOS_SEED_TOKEN, refreshed.getAccessToken());
            assertFullLifetime(refreshed, before);
            EnosToken current = enos.getToken();
            assertEquals(refreshed.getAccessToken(), current.getAccessToken(), "the refreshed token is the app's current one");
            // get answers the remaining whole seconds: the same expiry, give or take a second.
            assertTrue(Math.abs(Duration.between(refreshed.getExpiresAt(), current.getExpiresAt()).toMillis()) <= 2_000);
        }
    }

    @Test
    void getTwiceGivesTheSameTokenAndRefreshReplacesIt() throws Exception {
        Instant before = Instant.now();
        try (EnosClient enos = enos(sandbox)) {
            EnosToken first = enos.getToken();
            EnosToken second = enos.getToken();
            assertEquals(first.getAccessToken(), second.getAccessToken());
            EnosToken refreshed = enos.refreshToken(first.getAccessToken());
            assertNotEquals(first.getAccessToken(), refreshed.getAccessToken());
            assertFullLifetime(refreshed, before);
            assertEquals(refreshed.getAccessToken(), enos.getToken().getAccessToken());
            assertTrue(refreshed.expiresWithin(refreshed.getExpiresAt(), 0));
            assertFalse(refreshed.expiresWithin(Instant.now(), 60));
            assertTrue(refreshed.expiresWithin(Instant.now(), 7300));
        }
    }

    @Test
    void signMatchesTheVectors() throws Exception {
        // /work/shared/vectors/enos.json: apim_sign_get_query_params and apim_sign_post_json_body.
        String token = "APP_TOKEN_1a2b3c4d5e6f";
        try (EnosClient enos = new EnosClient("https://apigw.example.com", Sandbox.ENOS_APP_KEY,
                "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")) {
            String getUrl = "https://apigw.example.com/connect-service/v2.1/devices?productKey=pk123&action=get"
                    + "&orgId=o15589290474951&deviceKey=dev001";
            ApimHeaders get = enos.sign(token, getUrl, "", Instant.ofEpochMilli(1700000000123L));
            assertEquals("794dd5d53820b1de07d78ff0dfab551758e08d085c25090edd78dcafbc6a10d9", get.getSignature());
            assertEquals(1700000000123L, get.getTimestampMillis());
            assertEquals(Instant.ofEpochMilli(1700000000123L), get.getTimestamp());
            assertEquals(token, get.getAccessToken());
            // No body as null, and the path without the host: the same headers.
            assertEquals(get, enos.sign(token, getUrl.substring("https://apigw.example.com".length()), (byte[]) null,
                    Instant.ofEpochMilli(1700000000123L)));

            String postUrl = "https://apigw.example.com/connect-service/v2.1/devices?action=create&orgId=o15589290474951";
            String body = "{\"productKey\":\"pk123\",\"deviceKey\":\"dev001\",\"timezone\":\"+08:00\","
                    + "\"deviceName\":{\"defaultValue\":\"d1\"}}";
            ApimHeaders post = enos.sign(token, postUrl, body, Instant.ofEpochMilli(1700000000789L));
            assertEquals("e7228fd096aac94d72b33f0774ead8f4a4dd6c77916eff566b81a7c6eb900801", post.getSignature());

            Map<String, String> headers = post.toMap();
            assertEquals(List.of("apim-accesstoken", "apim-timestamp", "apim-signature"), List.copyOf(headers.keySet()));
            assertEquals(token, headers.get(ApimHeaders.ACCESS_TOKEN));
            assertEquals("1700000000789", headers.get(ApimHeaders.TIMESTAMP));
            assertEquals(post.getSignature(), headers.get(ApimHeaders.SIGNATURE));
            assertThrows(UnsupportedOperationException.class, () -> headers.put("x", "y"));
            assertFalse(post.toString().contains(token), "toString hides the token");

            // Without a timestamp: a fresh one, never repeated.
            Instant before = Instant.now();
            ApimHeaders a = enos.sign(token, "/p?x=1");
            ApimHeaders b = enos.sign(token, "/p?x=1");
            assertTrue(b.getTimestampMillis() > a.getTimestampMillis());
            assertTrue(Math.abs(a.getTimestampMillis() - before.toEpochMilli()) < 5_000);
            assertNotEquals(a.getSignature(), b.getSignature());
        }
    }

    @Test
    void callGetWithQueryAndPostWithJsonBody() throws Exception {
        try (EnosClient enos = enos(sandbox)) {
            String token = enos.getToken().getAccessToken();
            IopResponse get = enos.call("GET", Sandbox.ENOS_DEVICES + "?action=get&orgId=o1&deviceKey=dev%20001", null,
                    token);
            assertTrue(get.isSuccess(), get.getBody());
            assertEquals(200, get.getHttpStatus());
            assertEquals("0", get.getCode());
            assertNotNull(get.getRequestId());
            assertEquals(sandbox.url + Sandbox.ENOS_DEVICES, get.getRequestUrl());
            assertTrue(get.getBody().contains("\"method\":\"GET\""), get.getBody());
            assertTrue(get.getBody().contains("\"appKey\":\"" + Sandbox.ENOS_APP_KEY + "\""), get.getBody());
            assertTrue(get.getBody().contains("\"deviceKey\":\"dev 001\""), get.getBody());
            assertTrue(get.getBody().contains("\"orgId\":\"o1\""), get.getBody());

            String body = "{\"productKey\":\"pk123\",\"deviceName\":{\"defaultValue\":\"d1\"},\"note\":\"caf\u00e9\"}";
            IopResponse post = enos.call("POST", Sandbox.ENOS_DEVICES + "?action=create&orgId=o1", body, token);
            assertTrue(post.isSuccess(), post.getBody());
            assertTrue(post.getBody().contains("\"method\":\"POST\""), post.getBody());
            assertTrue(post.getBody().contains("\"productKey\":\"pk123\""), post.getBody());
            assertTrue(post.getBody().contains("\"note\":\"caf\u00e9\""), post.getBody());
            assertTrue(post.getBody().contains("\"action\":\"create\""), post.getBody());
            assertNotEquals(get.getRequestId(), post.getRequestId());
        }
    }

    @Test
    void wrongSecretIs1003OnGetAndA401OnCall() throws Exception {
        String secret = "wrongEnosSecret-visible-in-no-message";
        try (EnosClient good = enos(sandbox);
                EnosClient bad = new EnosClient(sandbox.url, Sandbox.ENOS_APP_KEY, secret)) {
            IopPlatformException e = assertThrows(IopPlatformException.class, bad::getToken);
            assertEquals("1003", e.getCode());
            assertEquals(IopException.Kind.PLATFORM, e.getKind());
            assertFalse(e instanceof IopTokenExpiredException);
            assertEquals(200, e.getHttpStatus());
            assertTrue(e.getMessage().contains("1003"), e.getMessage());
            assertFalse(e.getMessage().contains(secret), e.getMessage());

            String token = good.getToken().getAccessToken();
            IopResponse r = bad.call("GET", Sandbox.ENOS_DEVICES + "?action=get", null, token);
            assertFalse(r.isSuccess());
            assertEquals(401, r.getHttpStatus());
            assertEquals("1003", r.getCode());
            assertNotNull(r.getRequestId());
        }
    }

    @Test
    void unknownAppIs1002AndUnknownTokenRefreshIs1204() throws Exception {
        try (EnosClient unknown = new EnosClient(sandbox.url, "no-such-app", "s")) {
            IopPlatformException e = assertThrows(IopPlatformException.class, unknown::getToken);
            assertEquals("1002", e.getCode());
        }
        try (EnosClient enos = enos(sandbox)) {
            IopPlatformException e = assertThrows(IopPlatformException.class,
                    () -> enos.refreshToken("APP_TOKEN_never-issued-by-the-sandbox"));
            assertEquals("1204", e.getCode());
            assertFalse(e instanceof IopTokenExpiredException);
            assertFalse(e.getMessage().contains("never-issued"), e.getMessage());
        }
    }

    @Test
    void expiredTokenRefreshIsTokenExpired() throws Exception {
        // A sandbox of its own: advancing its clock expires every token.
        try (Sandbox own = Sandbox.start(); EnosClient enos = enos(own)) {
            String old = enos.getToken().getAccessToken();
            own.advanceClock(7201);
            IopTokenExpiredException e = assertThrows(IopTokenExpiredException.class, () -> enos.refreshToken(old));
            assertEquals("1203", e.getCode());
            assertEquals(IopException.Kind.TOKEN_EXPIRED, e.getKind());
            assertEquals(200, e.getHttpStatus());
            assertFalse(e.getMessage().contains(old), e.getMessage());
            // Existing catch blocks for platform errors still catch it.
            IopPlatformException p = assertThrows(IopPlatformException.class,
                    () -> enos.refreshToken(Sandbox.ENOS_SEED_TOKEN));
            assertInstanceOf(IopTokenExpiredException.class, p);

            IopResponse r = enos.call("GET", Sandbox.ENOS_DEVICES + "?action=get", null, old);
            assertEquals(401, r.getHttpStatus());
            assertEquals("1203", r.getCode());

            String fresh = enos.getToken().getAccessToken();
            assertNotEquals(old, fresh);
            assertTrue(enos.call("GET", Sandbox.ENOS_DEVICES + "?action=get", null, fresh).isSuccess());
        }
    }

    @Test
    void closedPortIsAConnectError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (EnosClient enos = new EnosClient("http://127.0.0.1:" + port, "k", "s")) {
            assertThrows(IopConnectException.class, enos::getToken);
            assertThrows(IopConnectException.class, () -> enos.refreshToken("t"));
            IopConnectException e = assertThrows(IopConnectException.class,
                    () -> enos.call("GET", Sandbox.ENOS_DEVICES, null, "t"));
            assertEquals(IopException.Kind.CONNECT, e.getKind());
        }
    }

    @Test
    void readTimeoutSetLaterApplies() throws Exception {
        try (ErrorsTest.FakeServer server = new ErrorsTest.FakeServer(s -> { /* accept, never answer */ });
                EnosClient enos = new EnosClient("http://127.0.0.1:" + server.socket.getLocalPort(), "k", "s")) {
            enos.setConnectTimeout(2_000);
            enos.setReadTimeout(200);
            long start = System.nanoTime();
            assertThrows(IopTimeoutException.class, enos::getToken);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 2_000, "timed out after " + ms + " ms (read timeout 200 ms)");
        }
    }

    @Test
    void badArguments() throws Exception {
        String url = "https://apigw.example.com";
        assertThrows(NullPointerException.class, () -> new EnosClient(null, "k", "s"));
        assertThrows(NullPointerException.class, () -> new EnosClient(url, null, "s"));
        assertThrows(NullPointerException.class, () -> new EnosClient(url, "k", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EnosClient(url, "", "s"));
        assertInstanceOf(IopInvalidArgumentException.class, e.getCause());
        assertTrue(e.getMessage().contains("app_key"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EnosClient(url, "k", ""));
        assertThrows(IllegalArgumentException.class, () -> new EnosClient("ftp://apigw.example.com", "k", "s"));
        assertThrows(IllegalArgumentException.class, () -> new EnosClient(url, "k", "s", 0, 1_000));
        try (EnosClient enos = new EnosClient(url, "k", "s")) {
            assertThrows(NullPointerException.class, () -> enos.refreshToken(null));
            assertThrows(NullPointerException.class, () -> enos.sign(null, "/p"));
            assertThrows(NullPointerException.class, () -> enos.call(null, "/p", null, "t"));
            assertThrows(NullPointerException.class, () -> enos.call("GET", "/p", null, null));
            assertThrows(IllegalArgumentException.class, () -> enos.setReadTimeout(0));
            // Checked, from the core's validation (the message names the argument); nothing is sent.
            assertInvalid(() -> enos.refreshToken(""), "access_token");
            assertInvalid(() -> enos.sign("", "/p"), "access_token");
            assertInvalid(() -> enos.sign("t", "/p", (byte[]) null, Instant.EPOCH), "timestamp_ms");
            assertInvalid(() -> enos.call("GET", "devices", null, "t"), "path");
            assertInvalid(() -> enos.call("GET", "/p", null, ""), "access_token");
        }
        // Plain HTTP to a remote host is refused before anything is sent.
        try (EnosClient remote = new EnosClient("http://apigw.example.com", "k", "s")) {
            assertInvalid(remote::getToken, "http://");
            assertInvalid(() -> remote.call("GET", "/p", null, "t"), "http://");
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsThrow() throws Exception {
        EnosClient enos = enos(sandbox);
        assertFalse(enos.isClosed());
        assertTrue(enos.toString().contains(Sandbox.ENOS_APP_KEY));
        assertFalse(enos.toString().contains(Sandbox.ENOS_APP_SECRET));
        enos.close();
        enos.close();
        assertTrue(enos.isClosed());
        assertThrows(IllegalStateException.class, enos::getToken);
        assertThrows(IllegalStateException.class, () -> enos.sign("t", "/p"));
        assertThrows(IllegalStateException.class, () -> enos.setReadTimeout(1_000));
        assertEquals(sandbox.url, enos.getGatewayUrl());
        assertEquals(Sandbox.ENOS_APP_KEY, enos.getAppKey());
    }
}
