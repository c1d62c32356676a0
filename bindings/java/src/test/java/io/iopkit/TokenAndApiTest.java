package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Typed tokens on every flavour, rotation, platform errors, GOP and TOP calls. */
class TokenAndApiTest extends SandboxTest {
    private static IopClient client(String base) {
        return new IopClient(base, Sandbox.APP_KEY, Sandbox.APP_SECRET);
    }

    private static void assertFreshToken(Token t, Instant before) {
        assertFalse(t.getAccessToken().isEmpty());
        assertFalse(t.getRefreshToken().isEmpty());
        assertTrue(t.canRefresh());
        // Default sandbox lifetimes: 7 days access, 30 days refresh.
        assertTrue(t.getExpiresAt().isAfter(before.plus(Duration.ofDays(6))), t.toString());
        assertTrue(t.getExpiresAt().isBefore(before.plus(Duration.ofDays(8))), t.toString());
        assertNotNull(t.getRefreshExpiresAt());
        assertTrue(t.getRefreshExpiresAt().isAfter(t.getExpiresAt()));
        assertEquals("seller_center", t.getAccountPlatform());
        assertNotNull(t.getSellerId());
        assertNotNull(t.getUserId());
        assertTrue(t.getRaw().contains(t.getAccessToken()));
        assertFalse(t.toString().contains(t.getAccessToken()), "toString hides the token");
        assertFalse(t.toString().contains(t.getRefreshToken()), "toString hides the token");
    }

    @Test
    void lazadaCreateAndRefresh() throws Exception {
        Instant before = Instant.now();
        try (IopClient client = client(sandbox.lazada())) {
            Token t = client.createToken(sandbox.code(Sandbox.APP_KEY));
            assertFreshToken(t, before);
            assertNotNull(t.getCountry());
            assertEquals(1, t.getCountryUserInfo().size());
            CountryUserInfo c = t.getCountryUserInfo().get(0);
            assertEquals(t.getCountry(), c.getCountry());
            assertEquals(t.getSellerId(), c.getSellerId());
            assertEquals(t.getUserId(), c.getUserId());
            assertEquals(t.getShortCode(), c.getShortCode());
            assertNull(t.getAccountId());

            Token r = client.refreshToken(t.getRefreshToken());
            assertFreshToken(r, before);
            assertNotEquals(t.getRefreshToken(), r.getRefreshToken(), "the refresh token rotates");
            assertNotEquals(t.getAccessToken(), r.getAccessToken());
            assertEquals(1, r.getCountryUserInfo().size(), "country_user_info_list on refresh");
        }
    }

    @Test
    void aliexpressCreateAndRefresh() throws Exception {
        Instant before = Instant.now();
        for (String base : new String[] {sandbox.aliexpress(), sandbox.aliexpressHost()}) {
            try (IopClient client = client(base)) {
                Token t = client.createToken(sandbox.code(Sandbox.APP_KEY));
                assertFreshToken(t, before);
                assertNotNull(t.getHavanaId());
                assertNotNull(t.getUserNick());
                assertEquals("zh_CN", t.getLocale());
                assertEquals("ae", t.getSp());
                assertTrue(t.getCountryUserInfo().isEmpty());
                Token r = client.refreshToken(t.getRefreshToken());
                assertFreshToken(r, before);
            }
        }
    }

    @Test
    void rotatedRefreshTokenIsRejected() throws Exception {
        try (IopClient client = client(sandbox.lazada())) {
            Token t = client.createToken(sandbox.code(Sandbox.APP_KEY));
            Token r = client.refreshToken(t.getRefreshToken());
            IopPlatformException e = assertThrows(IopPlatformException.class, () -> client.refreshToken(t.getRefreshToken()));
            assertEquals("IllegalRefreshToken", e.getCode());
            assertEquals("IllegalRefreshToken", e.getErrCode());
            assertEquals(IopStatus.PLATFORM, e.getStatus());
            assertEquals(400, e.getHttpStatus());
            assertEquals("ISV", e.getType());
            assertNotNull(e.getRequestId());
            assertTrue(e.getMessage().contains("IllegalRefreshToken"), e.getMessage());
            assertTrue(e.getMessage().contains(e.getRequestId()), e.getMessage());
            assertFalse(e.getMessage().contains(t.getRefreshToken()), "no token in messages");
            // The new one still works.
            assertFalse(client.refreshToken(r.getRefreshToken()).getAccessToken().isEmpty());
        }
    }

    @Test
    void badSecretIsIncompleteSignature() throws Exception {
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, "wrong-secret")) {
            String code = sandbox.code(Sandbox.APP_KEY);
            IopPlatformException e = assertThrows(IopPlatformException.class, () -> client.createToken(code));
            assertEquals("IncompleteSignature", e.getCode());
            assertEquals(400, e.getHttpStatus());
            assertNotNull(e.getRequestId());
            assertFalse(e.getMessage().contains("wrong-secret"));
            // Through execute: a response, not an exception (as the official SDKs).
            IopRequest request = new IopRequest("/auth/token/create");
            request.addApiParameter("code", code);
            IopResponse response = client.execute(request);
            assertFalse(response.isSuccess());
            assertEquals("IncompleteSignature", response.getCode());
            assertEquals("ISV", response.getType());
            assertEquals(400, response.getHttpStatus());
            assertNotNull(response.getRequestId());
        }
    }

    @Test
    void gopCallWithAccessToken() throws Exception {
        try (IopClient client = client(sandbox.lazada())) {
            Token t = client.createToken(sandbox.code(Sandbox.APP_KEY));
            IopRequest request = new IopRequest("/seller/get");
            request.setHttpMethod("GET");
            IopResponse ok = client.execute(request, t.getAccessToken());
            assertTrue(ok.isSuccess(), ok.getBody());
            assertEquals(200, ok.getHttpStatus());
            assertTrue(ok.getBody().contains("\"seller_id\""));
            assertEquals(ok.getRequestId(), ok.getGopRequestId());
            assertEquals(ok.getBody(), ok.getGopResponseBody());

            IopResponse denied = client.execute(new IopRequest("/seller/get"), "50000-not-a-token");
            assertFalse(denied.isSuccess());
            assertEquals("IllegalAccessToken", denied.getCode());
            assertEquals("IllegalAccessToken", denied.getGopErrorCode());
            assertEquals(denied.getType(), denied.getGopErrorType());
            assertEquals(denied.getMessage(), denied.getGopErrorMessage());

        }
    }

    @Test
    void topCallWithSession() throws Exception {
        try (IopClient auth = client(sandbox.aliexpress());
                IopClient client = client(sandbox.aliexpressHost())) {
            Token t = auth.createToken(sandbox.code(Sandbox.APP_KEY));
            IopRequest request = new IopRequest("aliexpress.ds.category.get");
            request.addApiParameter("category_id", "44");
            IopResponse ok = client.execute(request, t.getAccessToken());
            assertTrue(ok.isSuccess(), ok.getBody());
            assertTrue(ok.getBody().contains("aliexpress_ds_category_get_response"), ok.getBody());
            assertTrue(ok.getBody().contains("Earphones & Headphones"), ok.getBody());
            assertNotNull(ok.getRequestId());
            // Forced TOP gives the same; a bad session is a wrapped error with sub fields.
            assertTrue(client.execute(request, t.getAccessToken(), Protocol.TOP).isSuccess());
            IopResponse denied = client.execute(request, "bad-session", Protocol.TOP);
            assertFalse(denied.isSuccess());
            assertEquals("IllegalAccessToken", denied.getCode());
            assertNotNull(denied.getSubCode());
            assertEquals(denied.getSubCode(), denied.getGopErrorSubCode());
            assertNotNull(denied.getSubMessage());
            assertEquals(denied.getSubMessage(), denied.getGopErrorSubMsg());
            assertNotNull(denied.getRequestId());
        }
    }

    @Test
    void nonAsciiValuesAreSignedAndSentAsGiven() throws Exception {
        try (IopClient client = client(sandbox.lazada())) {
            Token t = client.createToken(sandbox.code(Sandbox.APP_KEY));
            for (String method : new String[] {"POST", "GET"}) {
                IopRequest request = new IopRequest("/seller/get", method);
                request.addApiParameter("name", "商品 é ü 😀 \uD83C\uDF89");
                request.addApiParameter("json", "{\"a\":[1,\"x y\"],\"b\":\"&=?+%\"}");
                request.addApiParameter("empty", "");
                IopResponse ok = client.execute(request, t.getAccessToken());
                assertTrue(ok.isSuccess(), method + ": " + ok.getBody());
            }
            // A NUL cannot cross the C ABI: refused, naming the argument.
            IopRequest nul = new IopRequest("/seller/get");
            nul.addApiParameter("name", "a\u0000b");
            IopInvalidArgumentException e = assertThrows(IopInvalidArgumentException.class, () -> client.execute(nul));
            assertTrue(e.getMessage().contains("value"), e.getMessage());
        }
    }

    @Test
    void multipartFilesAndHeaders() throws Exception {
        try (IopClient client = client(sandbox.lazada())) {
            Token t = client.createToken(sandbox.code(Sandbox.APP_KEY));
            IopRequest request = new IopRequest("/seller/get");
            request.addFileParameter("image", "a.png", new byte[] {1, 2, 3});
            request.addFileParameter("doc", new FileItem("b.txt", "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain"));
            request.addHeaderParameter("X-Trace", "t-1");
            java.nio.file.Path disk = java.nio.file.Files.createTempFile("iopkit-", ".bin");
            java.nio.file.Files.write(disk, new byte[] {0, (byte) 0xff, 10});
            request.addFileParameter("disk", new FileItem(disk));
            IopResponse ok = client.execute(request, t.getAccessToken());
            assertTrue(ok.isSuccess(), ok.getBody());
        }
    }

    @Test
    void parseDocumentedTokenResponses() throws Exception {
        Instant at = Instant.ofEpochMilli(1_700_000_000_000L);
        String tw = "{ \"code\": \"0\", \"access_token\": \"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg\", "
                + "\"refresh_token\": \"500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi\", \"account_id\": \"7063844\", "
                + "\"user_Id\": \"1001\", \"account_platform\": \"seller_center\", \"refresh_expires_in\": \"60\", "
                + "\"error_code\": \"error_code\", \"expires_in\": \"10\", \"request_id\": \"0ba2887315178178017221014\", "
                + "\"seller_Id\": \"10011\", \"account\": \"xxx@126.com\", \"short_code\": \"HK001\" }";
        Token t = Token.parse(tw, at);
        assertEquals("1001", t.getUserId());
        assertEquals("10011", t.getSellerId());
        assertEquals("HK001", t.getShortCode());
        assertEquals(at.plusSeconds(10), t.getExpiresAt());
        assertEquals(at.plusSeconds(60), t.getRefreshExpiresAt());
        assertEquals(t.getAccessToken(), Token.fromJson(t.toJson()).getAccessToken());

        String ae = "{\"refresh_token_valid_time\": 1716784148000, \"havana_id\": \"3000020000814\", \"expire_time\": 1714192160000,"
                + " \"locale\": \"zh_CN\", \"user_nick\": \"kr1000005815atrae\", \"access_token\": \"tok\", \"refresh_token\": \"ref\","
                + " \"user_id\": \"U\", \"account_platform\": \"buyerApp\", \"refresh_expires_in\": 5183988, \"expires_in\": 2592000,"
                + " \"sp\": \"ae\", \"seller_id\": \"S\", \"account\": \"A\", \"code\": \"0\", \"request_id\": \"212a69f317116001605067741\"}";
        Token a = Token.parse(ae, at);
        assertEquals(Instant.ofEpochMilli(1714192160000L), a.getExpiresAt());
        assertEquals(Instant.ofEpochMilli(1716784148000L), a.getRefreshExpiresAt());
        assertEquals("3000020000814", a.getHavanaId());
        assertEquals("buyerApp", a.getAccountPlatform());

        IopPlatformException e = assertThrows(IopPlatformException.class, () -> Token.parse(
                "{\"type\":\"ISV\",\"code\":\"InvalidCode\",\"message\":\"Invalid authorization code\",\"request_id\":\"r9\"}", at));
        assertEquals("r9", e.getRequestId());
        assertThrows(IopMalformedResponseException.class, () -> Token.parse("{\"access_token\":\"x\"}", at));
        assertThrows(IopMalformedResponseException.class, () -> Token.parse("not json", at));
    }
}
