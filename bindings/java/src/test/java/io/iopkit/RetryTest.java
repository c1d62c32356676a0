package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Throttling errors' retry-after (the sandbox's {@code throttle} fault) and connect retries. */
class RetryTest extends SandboxTest {
    @Test
    void throttledResponseCarriesRetryAfter() throws Exception {
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            String token = client.createToken(sandbox.code(Sandbox.APP_KEY)).getAccessToken();
            IopRequest throttled = new IopRequest("/seller/get");
            throttled.addHeaderParameter("X-Sandbox-Fault", "throttle;seconds=20;code=AppCallLimit");
            IopResponse r = client.execute(throttled, token);
            assertFalse(r.isSuccess());
            assertEquals("AppCallLimit", r.getCode());
            assertEquals(Duration.ofSeconds(20), r.getRetryAfter());

            IopResponse ok = client.execute(new IopRequest("/seller/get"), token);
            assertTrue(ok.isSuccess(), ok.getBody());
            assertNull(ok.getRetryAfter());
            IopResponse denied = client.execute(new IopRequest("/seller/get"), "not-a-token");
            assertFalse(denied.isSuccess());
            assertNull(denied.getRetryAfter());
        }
    }

    @Test
    void throttledTokenCallThrowsWithRetryAfter() throws Exception {
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            String code = sandbox.code(Sandbox.APP_KEY);
            sandbox.armFault("/auth/token/create", "throttle;seconds=3", 1);
            IopPlatformException e = assertThrows(IopPlatformException.class, () -> client.createToken(code));
            assertEquals("ApiCallLimit", e.getCode());
            assertEquals(Duration.ofSeconds(3), e.getRetryAfter());
            // The throttled call was not handled: the code still works.
            assertFalse(client.createToken(code).getAccessToken().isEmpty());
            // Ordinary errors announce no wait.
            IopPlatformException invalid = assertThrows(IopPlatformException.class, () -> client.createToken("bad"));
            assertEquals("InvalidCode", invalid.getCode());
            assertNull(invalid.getRetryAfter());
        }
    }

    @Test
    void connectRetriesAreConfigurable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        IopRequest request = new IopRequest("/seller/get");
        try (IopClient client = new IopClient("http://127.0.0.1:" + port + "/rest", "k", "s")) {
            // Default: 2 retries.
            IopConnectException e = assertThrows(IopConnectException.class, () -> client.execute(request));
            assertTrue(e.getMessage().contains("3 attempts"), e.getMessage());
            assertNull(e.getRetryAfter());
            client.setMaxConnectRetries(0);
            e = assertThrows(IopConnectException.class, () -> client.execute(request));
            assertFalse(e.getMessage().contains("attempts"), e.getMessage());
            client.setMaxConnectRetries(1);
            e = assertThrows(IopConnectException.class, () -> client.execute(request));
            assertTrue(e.getMessage().contains("2 attempts"), e.getMessage());

            IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                    () -> client.setMaxConnectRetries(11));
            assertInstanceOf(IopInvalidArgumentException.class, tooMany.getCause());
            assertThrows(IllegalArgumentException.class, () -> client.setMaxConnectRetries(-2));
            client.setMaxConnectRetries(-1); // the default again: 3 attempts
            assertTrue(assertThrows(IopConnectException.class, () -> client.execute(request)).getMessage().contains("3 attempts"));
        }
    }
}
