package io.iopkit;

import static io.iopkit.ErrorsTest.assertInvalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The authorization page's URL, the state, and a round trip through the sandbox's page. */
class AuthorizationTest {

    @Test
    void lazadaUrlEncodesEveryValue() throws Exception {
        String url = Authorization.authorizeUrl(Authorization.Platform.LAZADA, "123456",
                "https://example.com/cb?x=1&y=a+b", "SG", "s 1");
        assertEquals("https://auth.lazada.com/oauth/authorize?response_type=code&force_auth=true"
                + "&redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1%26y%3Da%2Bb&client_id=123456&state=s%201&country=sg",
                url);
        String bare = Authorization.authorizeUrl(Authorization.Platform.LAZADA, "123456", "https://example.com/cb", null,
                null);
        assertFalse(bare.contains("state="), bare);
        assertFalse(bare.contains("country="), bare);
    }

    @Test
    void aliExpressUrlTakesNoCountry() throws Exception {
        String url = Authorization.authorizeUrl(Authorization.Platform.ALIEXPRESS, "app/1", "https://example.com/cb",
                null, "st&ate");
        assertTrue(url.startsWith("https://api-sg.aliexpress.com/oauth/authorize?response_type=code&force_auth=true&"),
                url);
        assertTrue(url.contains("&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&"), url);
        assertTrue(url.contains("&client_id=app%2F1"), url);
        assertTrue(url.contains("&state=st%26ate"), url);
        assertInvalid(() -> Authorization.authorizeUrl(Authorization.Platform.ALIEXPRESS, "1", "https://h/cb", "sg",
                null), "country");
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(NullPointerException.class,
                () -> Authorization.authorizeUrl(null, "1", "https://h/cb", null, null));
        assertThrows(NullPointerException.class,
                () -> Authorization.authorizeUrl(Authorization.Platform.LAZADA, null, "https://h/cb", null, null));
        assertInvalid(() -> Authorization.authorizeUrl(Authorization.Platform.LAZADA, "", "https://h/cb", null, null),
                "client_id");
        assertInvalid(() -> Authorization.authorizeUrl(Authorization.Platform.LAZADA, "1", "/cb", null, null),
                "redirect_uri");
        assertInvalid(() -> Authorization.authorizeUrl(Authorization.Platform.LAZADA, "1", "https://h/cb", "sgp", null),
                "country");
        assertInvalid(() -> Authorization.authorizeUrl(Authorization.Platform.LAZADA, "1", "https://h/cb", null, ""),
                "state");
        assertInvalid(() -> Authorization.authorizeUrl(Authorization.Platform.LAZADA,
                "http://example.com/oauth/authorize", "1", "https://h/cb", null, null), "base_url");
    }

    @Test
    void statesAreRandomAndVerifiedExactly() {
        String a = Authorization.newState();
        String b = Authorization.newState();
        assertEquals(32, a.length());
        assertTrue(a.matches("[A-Za-z0-9_-]{32}"), a);
        assertNotEquals(a, b);
        assertTrue(Authorization.verifyState(a, a));
        assertTrue(Authorization.verifyState("abc", new String("abc")));
        assertFalse(Authorization.verifyState(a, b));
        assertFalse(Authorization.verifyState("abc", "abd"));
        assertFalse(Authorization.verifyState("abc", "ab"));
        assertFalse(Authorization.verifyState("", ""));
        assertFalse(Authorization.verifyState(null, "abc"));
        assertFalse(Authorization.verifyState("abc", null));
    }

    @Test
    void sandboxPageRedirectsWithACodeThatCreateTokenAccepts() throws Exception {
        try (Sandbox sandbox = Sandbox.start();
                IopClient auth = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            String state = Authorization.newState();
            String redirect = "https://example.invalid/callback";
            String url = Authorization.authorizeUrl(Authorization.Platform.LAZADA,
                    sandbox.url + "/lazada/oauth/authorize", Sandbox.APP_KEY, redirect, "sg", state);
            assertTrue(url.startsWith(sandbox.url + "/lazada/oauth/authorize?"), url);
            Sandbox.Reply reply = sandbox.get(url.substring(sandbox.url.length()));
            assertEquals(302, reply.status, reply.body);
            String location = reply.header("location");
            assertTrue(location.startsWith(redirect + "?"), location);
            String code = param(location, "code");
            assertTrue(Authorization.verifyState(state, param(location, "state")));
            assertFalse(Authorization.verifyState(Authorization.newState(), param(location, "state")));
            Token token = auth.createToken(code);
            assertFalse(token.getAccessToken().isEmpty());
        }
    }

    private static String param(String url, String name) {
        Matcher m = Pattern.compile("[?&]" + name + "=([^&#]*)").matcher(url);
        assertTrue(m.find(), name + " missing in " + url);
        return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }
}
