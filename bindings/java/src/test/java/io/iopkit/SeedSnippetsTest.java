package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Java snippets of the official documentation (the project's seed documents), verbatim apart from the
 * imports, the gateway URL (pointed at the sandbox) and the app credentials, each against a fresh
 * sandbox (the documented literal code and refresh tokens are accepted once per sandbox).
 */
class SeedSnippetsTest {
    private Sandbox sandbox;
    private PrintStream realOut;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        sandbox = Sandbox.start();
        realOut = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() throws Exception {
        System.setOut(realOut);
        sandbox.close();
    }

    private String printed() {
        System.out.flush();
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Seed 000: Taobao TW, /auth/token/refresh with the documented refresh token. */
    @Test
    void seed000TwRefreshToken() throws Exception {
        String appkey = Sandbox.APP_KEY;
        String appSecret = Sandbox.APP_SECRET;
        // --- snippet (UrlConstants.API_GATEWAY_URL_TW -> sandbox.tw()) ---
        IopClient client = new IopClientImpl(sandbox.tw(), appkey, appSecret); IopRequest request = new IopRequest(); request.setApiName("/auth/token/refresh"); request.addApiParameter("refresh_token", "50001600212wcwiOabwyjtEH11acc19aBOvQr9ZYkYDlr987D8BB88LIB8bj"); IopResponse response = client.execute(request); System.out.println(response.getBody()); Thread.sleep(10);
        // --- end ---
        String out = printed();
        assertTrue(out.contains("\"access_token\""), out);
        assertTrue(out.contains("\"user_Id\""), "TW refresh spells user_Id: " + out);
        assertTrue(response.isSuccess());
        client.close();
    }

    /** Seed 001: Taobao TW, /auth/token/create with the documented code. */
    @Test
    void seed001TwCreateToken() throws Exception {
        String appkey = Sandbox.APP_KEY;
        String appSecret = Sandbox.APP_SECRET;
        // --- snippet (UrlConstants.API_GATEWAY_URL_TW -> sandbox.tw()) ---
        IopClient client = new IopClientImpl(sandbox.tw(), appkey, appSecret); IopRequest request = new IopRequest(); request.setApiName("/auth/token/create"); request.addApiParameter("code", "2_2DL4DV3jcU1UOT7WGI1A4rY91"); IopResponse response = client.execute(request); System.out.println(response.getBody()); Thread.sleep(10);
        // --- end ---
        String out = printed();
        assertTrue(out.contains("\"access_token\""), out);
        assertTrue(response.isSuccess());
        assertEquals("0", response.getCode());
        client.close();
    }

    /** Seed 001 run twice on one sandbox: the code is one-time, the second use is InvalidCode. */
    @Test
    void seed001CodeIsOneTime() throws Exception {
        try (IopClient client = new IopClientImpl(sandbox.tw(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            IopRequest request = new IopRequest();
            request.setApiName("/auth/token/create");
            request.addApiParameter("code", "2_2DL4DV3jcU1UOT7WGI1A4rY91");
            assertTrue(client.execute(request).isSuccess());
            IopResponse again = client.execute(request);
            assertFalse(again.isSuccess());
            assertEquals("InvalidCode", again.getCode());
            assertEquals(400, again.getHttpStatus());
        }
    }

    /** Seed 002: AliExpress, /auth/token/refresh with Protocol.GOP (endpoint …/rest). */
    @Test
    void seed002AliExpressRefreshToken() throws Exception {
        String url = sandbox.aliexpress();
        String appkey = Sandbox.APP_KEY;
        String appSecret = Sandbox.APP_SECRET;
        // --- snippet ---
        IopClient client = new IopClient(url, appkey, appSecret);
        IopRequest request = new IopRequest();
        request.setApiName("/auth/token/refresh");
        request.addApiParameter("refresh_token", "50001600212wcwiOabwyjtEH11acc19aBOvQr9ZYkYDlr987D8BB88LIB8bj");
        IopResponse response = client.execute(request, Protocol.GOP);
        System.out.println(response.getBody());
        Thread.sleep(10);
        // --- end ---
        String out = printed();
        assertTrue(out.contains("\"access_token\""), out);
        assertTrue(out.contains("\"havana_id\""), "AliExpress spelling: " + out);
        client.close();
    }

    /** Seed 003: the AliExpress MainClass demo, bare host URL, Protocol.GOP, inside try/catch. */
    @Test
    void seed003AliExpressMainClass() throws Exception {
        MainClass.sandboxHost = sandbox.aliexpressHost();
        MainClass.main(new String[0]);
        String out = printed();
        assertTrue(out.contains("\"access_token\""), out);
        assertTrue(out.contains("\"refresh_token_valid_time\""), out);
    }

    /** Seed 003's class; only the url/appkey/appSecret values differ from the documentation. */
    static class MainClass {
        static String sandboxHost;

        public static void main(String[] args) {

            // Initialize the client with the API URL, app key, and app secretString url = "https://api-sg.aliexpress.com";
            String url = sandboxHost;

            String appkey = Sandbox.APP_KEY;

            String appSecret = Sandbox.APP_SECRET;

            IopClient client = new IopClient(url, appkey, appSecret);

            // Create a new request and set the API name and parameters

            IopRequest request = new IopRequest();

            request.setApiName("/auth/token/refresh");

            request.addApiParameter("refresh_token", "Your-Refresh_Token");

            // The "Your-refreshToken" refers to the private token that you should only obtain from the login service when exchanging the access token.

            // Please make sure that you have obtained your own "Your-refreshToken" through the provided procedures to ensure the security and efficiency of your application.

            try {

                // Execute the request using the GOP protocol

                IopResponse response = client.execute(request, Protocol.GOP);

                // Print the response body

                System.out.println(response.getBody());

            } catch (Exception e) {

                // Handle any exceptions that may occur during the request execution

                e.printStackTrace();

            }

        }
    }
}
