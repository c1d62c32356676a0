package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** close(), the Cleaner, many threads on one client, and memory over a long loop. */
class LifecycleTest {
    private static Sandbox sandbox;
    private static String accessToken;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        try (IopClient auth = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            accessToken = auth.createToken(sandbox.code(Sandbox.APP_KEY)).getAccessToken();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        sandbox.close();
    }

    @Test
    void closeIsIdempotentAndClosedClientsRefuseCalls() throws Exception {
        IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
        assertTrue(client.execute(new IopRequest("/seller/get"), accessToken).isSuccess());
        assertFalse(client.isClosed());
        client.close();
        client.close();
        assertTrue(client.isClosed());
        assertThrows(IllegalStateException.class, () -> client.execute(new IopRequest("/seller/get"), accessToken));
        assertThrows(IllegalStateException.class, () -> client.createToken("c"));
        assertThrows(IllegalStateException.class, () -> client.refreshToken("r"));
        assertThrows(IllegalStateException.class, () -> client.setReadTimeout(1000));
        assertThrows(IllegalStateException.class, () -> client.setCaBundle(null));
        assertEquals(sandbox.lazada(), client.getServerUrl());
    }

    @Test
    void managersOutliveTheirClientAndStoreAndCloseTwice() throws Exception {
        IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
        MemoryTokenStore store = new MemoryTokenStore();
        TokenManager m = new TokenManager(client, store, "acct");
        m.createToken(sandbox.code(Sandbox.APP_KEY));
        client.close();
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.listDue(Duration.ZERO));
        assertFalse(m.getAccessToken().isEmpty());
        m.close();
        m.close();
        assertTrue(m.isClosed());
        assertThrows(IllegalStateException.class, m::getAccessToken);
        EnosClient enos = new EnosClient(sandbox.url, Sandbox.ENOS_APP_KEY, Sandbox.ENOS_APP_SECRET);
        enos.close();
        enos.close();
        assertThrows(IllegalStateException.class, enos::getToken);
        assertThrows(IllegalStateException.class, () -> enos.setConnectTimeout(1_000));
    }

    @Test
    void closeWaitsForCallsInFlight() throws Exception {
        IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch started = new CountDownLatch(4);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            futures.add(pool.submit(() -> {
                started.countDown();
                for (int i = 0; i < 200; i++) {
                    try {
                        if (client.execute(new IopRequest("/seller/get"), accessToken).isSuccess()) {
                            ok.incrementAndGet();
                        }
                    } catch (IllegalStateException closed) {
                        refused.incrementAndGet();
                        return null;
                    }
                }
                return null;
            }));
        }
        started.await();
        Thread.sleep(20);
        client.close();
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertTrue(ok.get() > 0);
        assertTrue(client.isClosed());
    }

    @Test
    void unclosedClientsAreFreedByTheCleaner() throws Exception {
        long before = Rss.bytes();
        for (int i = 0; i < 3_000; i++) {
            new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
            if (i % 500 == 0) {
                System.gc();
            }
        }
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
        }
        long grown = Rss.bytes() - before;
        assertTrue(grown < 64L << 20, "RSS grew by " + (grown >> 20) + " MiB over 3,000 unclosed clients");
        // try-with-resources frees them eagerly too.
        for (int i = 0; i < 1_000; i++) {
            try (IopClient c = new IopClientImpl(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
                assertFalse(c.isClosed());
            }
        }
    }

    @Test
    void sixteenThreadsShareOneClient() throws Exception {
        final int threads = 16;
        final int calls = 1_000;
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Callable<Integer>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                jobs.add(() -> {
                    go.await();
                    int good = 0;
                    for (int i = 0; i < calls; i++) {
                        IopRequest r = new IopRequest("/seller/get");
                        r.addApiParameter("thread", Integer.toString(id));
                        r.addApiParameter("i", Integer.toString(i));
                        IopResponse resp = client.execute(r, accessToken);
                        if (resp.isSuccess() && resp.getBody().contains("seller_id")) {
                            good++;
                        }
                        if (i % 250 == 0) {
                            client.setReadTimeout(30_000); // setters race with calls safely
                        }
                    }
                    return good;
                });
            }
            List<Future<Integer>> futures = new ArrayList<>();
            for (Callable<Integer> j : jobs) {
                futures.add(pool.submit(j));
            }
            long start = System.nanoTime();
            go.countDown();
            int total = 0;
            for (Future<Integer> f : futures) {
                total += f.get();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            pool.shutdown();
            System.err.println("[iopkit] 16 threads x 1,000 calls on one client: " + took.toMillis() + " ms");
            assertEquals(threads * calls, total);
            assertTrue(took.toSeconds() < 60, "16,000 calls took " + took);
        }
    }

    @Test
    void longLoopDoesNotGrowMemory() throws Exception {
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            Runnable round = () -> {
                try {
                    IopRequest r = new IopRequest("/seller/get");
                    r.addApiParameter("k", "v");
                    IopResponse ok = client.execute(r, accessToken);
                    if (!ok.isSuccess()) {
                        throw new AssertionError(ok.getBody());
                    }
                    IopResponse denied = client.execute(new IopRequest("/seller/get"), "bad");
                    if (denied.isSuccess()) {
                        throw new AssertionError("bad token accepted");
                    }
                    try {
                        client.createToken("bad-code");
                        throw new AssertionError("bad code accepted");
                    } catch (IopPlatformException expected) {
                        // Exceptions built in native code, every round.
                    }
                } catch (IopException e) {
                    throw new AssertionError(e);
                }
            };
            Rss.assertFlat(3_000, 17_000, "51,000 calls", round);
        }
    }
}
