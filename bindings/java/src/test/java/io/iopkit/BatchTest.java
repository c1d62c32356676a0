package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iopkit.IopClient.BatchCall;
import io.iopkit.internal.Native;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** executeBatch/executeCalls against the sandbox, the pool settings, and the batch's lifetimes. */
class BatchTest extends SandboxTest {
    private static String accessToken;

    @BeforeAll
    static void token() throws Exception {
        try (IopClient auth = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            accessToken = auth.createToken(sandbox.code(Sandbox.APP_KEY)).getAccessToken();
        }
    }

    private static IopClient client() {
        return new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
    }

    private static IopRequest seller(int i) {
        IopRequest r = new IopRequest("/seller/get");
        r.addApiParameter("i", Integer.toString(i));
        return r;
    }

    private static void assertSeller(BatchResult result) throws IopException {
        assertTrue(result.hasResponse(), () -> "expected a response: " + result);
        assertNull(result.getException());
        assertTrue(result.get().isSuccess(), result.get()::getBody);
        assertTrue(result.getResponse().getBody().contains("seller_id"));
    }

    @Test
    void outcomesComeInInputOrderWithFailuresAtTheirIndex() throws Exception {
        List<BatchCall> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(new BatchCall(seller(i), null));
        }
        calls.set(3, new BatchCall(seller(3), "bad-token")); // a platform error: a response
        IopRequest broken = seller(7);
        broken.addHeaderParameter("X-Sandbox-Fault", "http-502"); // a transport failure: an exception
        calls.set(7, new BatchCall(broken, null));
        try (IopClient client = client()) {
            List<BatchResult> results = client.executeCalls(calls, accessToken, 4);
            assertEquals(10, results.size());
            for (int i = 0; i < 10; i++) {
                BatchResult r = results.get(i);
                if (i == 3) {
                    assertFalse(r.getResponse().isSuccess());
                    assertEquals("IllegalAccessToken", r.getResponse().getCode());
                } else if (i == 7) {
                    assertFalse(r.hasResponse());
                    assertNull(r.getResponse());
                    IopHttpException e = assertInstanceOf(IopHttpException.class, r.getException());
                    assertEquals(IopStatus.HTTP, e.getStatus());
                    assertEquals(502, e.getHttpStatus());
                    assertSame(e, assertThrows(IopHttpException.class, r::get));
                } else {
                    assertSeller(r);
                }
            }
        }
    }

    @Test
    void perCallTokensOverrideTheBatchToken() throws Exception {
        try (IopClient client = client()) {
            List<BatchCall> calls = List.of(new BatchCall(seller(0), accessToken), new BatchCall(seller(1), null),
                    new BatchCall(seller(2), accessToken, Protocol.GOP));
            List<BatchResult> results = client.executeCalls(calls, null, -1);
            assertSeller(results.get(0));
            assertFalse(results.get(1).getResponse().isSuccess()); // no token at all: a platform error
            assertSeller(results.get(2));
            assertEquals(0, client.executeBatch(List.of(), accessToken).size());
        }
    }

    @Test
    void twoHundredCallsAtConcurrencySixteen() throws Exception {
        List<IopRequest> requests = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            requests.add(seller(i));
        }
        try (IopClient client = client()) {
            List<BatchResult> results = client.executeBatch(requests, accessToken, 16);
            assertEquals(240, results.size());
            for (BatchResult r : results) {
                assertSeller(r);
            }
        }
    }

    @Test
    void invalidConcurrencyOrRequestThrows() throws Exception {
        try (IopClient client = client()) {
            List<IopRequest> one = List.of(seller(0));
            for (int bad : new int[] {0, Native.IOP_MAX_BATCH_CONCURRENCY + 1, -2}) {
                IopInvalidArgumentException e =
                        assertThrows(IopInvalidArgumentException.class, () -> client.executeBatch(one, accessToken, bad));
                assertEquals(IopStatus.INVALID_ARGUMENT, e.getStatus());
            }
            IopRequest nul = seller(0);
            nul.addApiParameter("k", "a\0b");
            assertThrows(IopInvalidArgumentException.class, () -> client.executeBatch(List.of(nul), accessToken, 1));
            client.close();
            assertThrows(IllegalStateException.class, () -> client.executeBatch(one, accessToken, 1));
        }
    }

    @Test
    void poolSettingsPassStraightThrough() {
        try (IopClient client = client(); EnosClient enos = new EnosClient(sandbox.url, "k", "s")) {
            for (ConfiguredClient c : List.of(client, enos)) {
                for (int n : new int[] {-1, 0, 32, Native.IOP_MAX_IDLE_CONNECTIONS_LIMIT}) {
                    c.setMaxIdleConnections(n);
                }
                for (int bad : new int[] {-2, Native.IOP_MAX_IDLE_CONNECTIONS_LIMIT + 1}) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.setMaxIdleConnections(bad));
                    assertInstanceOf(IopInvalidArgumentException.class, e.getCause());
                }
                c.setIdleTimeout(-1);
                c.setIdleTimeout(1);
                c.setIdleTimeout(60_000);
                for (long bad : new long[] {0, -2}) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.setIdleTimeout(bad));
                    assertInstanceOf(IopInvalidArgumentException.class, e.getCause());
                }
            }
        }
    }

    @Test
    void twoThousandBatchesDoNotGrowMemory() throws Exception {
        List<BatchCall> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(new BatchCall(seller(i), null));
        }
        calls.add(new BatchCall(seller(4), "bad-token"));
        IopRequest broken = seller(5);
        broken.addHeaderParameter("X-Sandbox-Fault", "http-502");
        calls.add(new BatchCall(broken, null));
        try (IopClient client = client()) {
            Runnable round = () -> {
                try {
                    List<BatchResult> results = client.executeCalls(calls, accessToken, 4);
                    if (!results.get(0).getResponse().isSuccess() || results.get(4).getResponse().isSuccess()
                            || !(results.get(5).getException() instanceof IopHttpException)) {
                        throw new AssertionError(results.toString());
                    }
                } catch (IopException e) {
                    throw new AssertionError(e);
                }
            };
            Rss.assertFlat(300, 2_000, "2,000 batches of 6 calls", round);
        }
    }
}
