package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code *Async} methods: CompletableFuture results, errors, cancellation and cleanup. */
class AsyncTest extends SandboxTest {
    @Test
    void hundredConcurrentCallsComplete() throws Exception {
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            Token token = client.createTokenAsync(sandbox.code(Sandbox.APP_KEY)).get(30, TimeUnit.SECONDS);
            List<CompletableFuture<IopResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                IopRequest request = new IopRequest("/seller/get");
                request.addApiParameter("n", Integer.toString(i));
                futures.add(client.executeAsync(request, token.getAccessToken()));
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
            for (CompletableFuture<IopResponse> f : futures) {
                assertTrue(f.join().isSuccess(), f.join().getBody());
            }
            List<IopRequest> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(new IopRequest("/seller/get"));
            }
            CompletableFuture<List<BatchResult>> batched = client.executeBatchAsync(batch, token.getAccessToken());
            batch.clear(); // copied already
            List<BatchResult> results = batched.get(60, TimeUnit.SECONDS);
            assertEquals(10, results.size());
            assertTrue(results.stream().allMatch(r -> r.hasResponse() && r.getResponse().isSuccess()));
            Token refreshed = client.refreshTokenAsync(token.getRefreshToken()).get(30, TimeUnit.SECONDS);
            assertFalse(refreshed.getAccessToken().equals(token.getAccessToken()));
        }
        awaitNoneInFlight();
    }

    @Test
    void failuresCompleteTheFutureWithTheTypedException() throws Exception {
        ExecutorService own = Executors.newSingleThreadExecutor();
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            CompletableFuture<Token> bad = client.createTokenAsync("not-a-code", own);
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(30, TimeUnit.SECONDS));
            IopPlatformException cause = assertInstanceOf(IopPlatformException.class, e.getCause());
            assertEquals("InvalidCode", cause.getCode());

            IopRequest empty = new IopRequest("");
            CompletableFuture<IopResponse> invalid = client.executeAsync(empty, null, Protocol.AUTO, own);
            assertTrue(invalid.isCompletedExceptionally());
            assertInstanceOf(IopInvalidArgumentException.class,
                    assertThrows(ExecutionException.class, invalid::get).getCause());
        } finally {
            own.shutdown();
        }
        try (EnosClient enos = new EnosClient(sandbox.url, Sandbox.ENOS_APP_KEY, Sandbox.ENOS_APP_SECRET);
                MemoryTokenStore store = new MemoryTokenStore();
                TokenManager manager = TokenManager.forEnos(enos, store, "enos-app", null)) {
            assertFalse(enos.getTokenAsync().get(30, TimeUnit.SECONDS).getAccessToken().isEmpty());
            String token = manager.getAccessTokenAsync().get(30, TimeUnit.SECONDS);
            IopResponse r = enos.callAsync("GET", Sandbox.ENOS_DEVICES + "?action=get&orgId=o1", null, token)
                    .get(30, TimeUnit.SECONDS);
            assertEquals(200, r.getHttpStatus(), r.getBody());
        }
        awaitNoneInFlight();
    }

    @Test
    void cancelReturnsAtOnceAndTheOrphanedCallEndsAndFrees() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Executor signalling = task -> pool.execute(() -> {
            started.countDown();
            task.run();
        });
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            long hitsBefore = sandbox.routeHits("/seller/get");
            IopRequest slow = new IopRequest("/seller/get");
            slow.addHeaderParameter("X-Sandbox-Fault", "latency;ms=1500");
            CompletableFuture<IopResponse> f = client.executeAsync(slow, "tok", Protocol.AUTO, signalling);
            assertTrue(started.await(30, TimeUnit.SECONDS));
            waitFor(() -> sandbox.routeHits("/seller/get") > hitsBefore); // the call is on the wire

            long t0 = System.nanoTime();
            assertTrue(f.cancel(true));
            assertThrows(CancellationException.class, f::join);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(elapsedMs < 50, "cancel took " + elapsedMs + " ms");
            assertTrue(f.isCancelled());
            assertEquals(1, Async.inFlight(), "the native call goes on after the cancel");

            // The orphaned call ends on its thread (the sandbox answers after 1.5 s) and frees its
            // response and request; the client can then be closed (close waits for calls in flight).
            awaitNoneInFlight();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aCallCancelledBeforeItStartsIsNeverSent() throws Exception {
        List<Runnable> held = new ArrayList<>();
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            long hitsBefore = sandbox.routeHits("/seller/get");
            CompletableFuture<IopResponse> f = client.executeAsync(new IopRequest("/seller/get"), "tok",
                    Protocol.AUTO, held::add);
            assertTrue(f.cancel(true));
            assertEquals(1, held.size());
            held.get(0).run();
            assertEquals(0, Async.inFlight());
            assertEquals(hitsBefore, sandbox.routeHits("/seller/get"));
        }
    }

    /** A condition checked every 10 ms for up to 60 s. */
    interface Condition {
        boolean holds() throws Exception;
    }

    static void waitFor(Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.holds()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 60 s");
            Thread.sleep(10);
        }
    }

    static void awaitNoneInFlight() throws Exception {
        waitFor(() -> Async.inFlight() == 0);
    }
}
