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
import org.junit.jupiter.api.Test;

/** The EnOS client against the sandbox's token service and protected API, and the signing vectors. */
class EnosTest extends SandboxTest {
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
            assertEquals(IopStatus.PLATFORM, e.getStatus());
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
    void expiredTokenRefreshIsTokenExpired() throws Exception {
        // A sandbox of its own: advancing its clock expires every token.
        try (Sandbox own = Sandbox.start(); EnosClient enos = enos(own)) {
            String old = enos.getToken().getAccessToken();
            own.advanceClock(7201);
            IopTokenExpiredException e = assertThrows(IopTokenExpiredException.class, () -> enos.refreshToken(old));
            assertEquals("1203", e.getCode());
            assertEquals(IopStatus.TOKEN_EXPIRED, e.getStatus());
            assertEquals(200, e.getHttpStatus());
            assertFalse(e.getMessage().contains(old), e.getMessage());

            IopResponse r = enos.call("GET", Sandbox.ENOS_DEVICES + "?action=get", null, old);
            assertEquals(401, r.getHttpStatus());
            assertEquals("1203", r.getCode());

            String fresh = enos.getToken().getAccessToken();
            assertNotEquals(old, fresh);
            assertTrue(enos.call("GET", Sandbox.ENOS_DEVICES + "?action=get", null, fresh).isSuccess());
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

}
