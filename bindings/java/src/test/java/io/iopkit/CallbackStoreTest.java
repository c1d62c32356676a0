package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An application's TokenStore called back from native code: the callbacks, their threads, exceptions, lifetime. */
class CallbackStoreTest {
    private static Sandbox sandbox;
    private static IopClient client;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        sandbox.close();
    }

    /** A map-backed store counting its calls; it can be told to throw. */
    static final class CountingStore implements TokenStore {
        final Map<String, String> records = new ConcurrentHashMap<>();
        final Map<String, Long> versions = new ConcurrentHashMap<>();
        final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
        final AtomicInteger loads = new AtomicInteger();
        final AtomicInteger swaps = new AtomicInteger();
        final AtomicInteger lockCalls = new AtomicInteger();
        final AtomicInteger unlockCalls = new AtomicInteger();
        volatile Exception failLoad;
        volatile RuntimeException failSwap;

        @Override
        public String load(String account) throws Exception {
            loads.incrementAndGet();
            Exception fail = failLoad;
            if (fail != null) {
                throw fail;
            }
            return records.get(account);
        }

        @Override
        public synchronized boolean compareAndSwap(String account, long expectedVersion, String recordJson) {
            swaps.incrementAndGet();
            if (failSwap != null) {
                throw failSwap;
            }
            if (versions.getOrDefault(account, 0L) != expectedVersion) {
                return false;
            }
            records.put(account, recordJson);
            versions.put(account, expectedVersion + 1);
            return true;
        }

        @Override
        public boolean lock(String account, long timeoutMillis) throws InterruptedException {
            lockCalls.incrementAndGet();
            return locks.computeIfAbsent(account, a -> new ReentrantLock()).tryLock(timeoutMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void unlock(String account) {
            unlockCalls.incrementAndGet();
            locks.get(account).unlock(); // throws unless called on the locking thread
        }

        @Override
        public List<String> accounts() {
            return new ArrayList<>(records.keySet());
        }

        boolean anyLockHeld() {
            return locks.values().stream().anyMatch(ReentrantLock::isLocked);
        }
    }

    @Test
    void managersOnAnApplicationStoreFromManyThreads() throws Exception {
        CountingStore store = new CountingStore();
        try (TokenManager m = new TokenManager(client, store, "seller-app");
                TokenManager always = new TokenManager(client, store, "seller-app", Duration.ofDays(8))) {
            assertThrows(IopReauthorizationRequiredException.class, m::getAccessToken);
            assertNull(m.loadRecord());
            m.createToken(sandbox.code(Sandbox.APP_KEY));
            String t1 = m.getAccessToken();
            assertTrue(m.loadRecord().contains("\"version\":1"), "record as the library wrote it");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<String>> tokens = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                tokens.add(pool.submit(i % 2 == 0 ? m::getAccessToken : always::getAccessToken));
            }
            for (Future<String> f : tokens) {
                assertFalse(f.get().isEmpty());
            }
            pool.shutdown();
            assertNotEquals(t1, always.getAccessToken());
            assertTrue(client.execute(new IopRequest("/seller/get"), m.getAccessToken()).isSuccess());
            assertEquals(store.lockCalls.get(), store.unlockCalls.get(), "unlock runs on the locking thread");
            assertFalse(store.anyLockHeld());
            assertTrue(store.listDue(Duration.ofDays(40)).contains("\"account\":\"seller-app\""));
            assertEquals("[]", store.listDue(Duration.ZERO));
            // A token stored as the grant goes through iop_token_from_json.
            m.storeGrant(client.createToken(sandbox.code(Sandbox.APP_KEY)));
            assertTrue(store.records.get("seller-app").contains("\"version\":" + store.versions.get("seller-app")));
        }
    }

    @Test
    void anExceptionInAStoreCallbackBecomesTheCause() throws Exception {
        CountingStore store = new CountingStore();
        try (TokenManager m = new TokenManager(client, store, "seller-failing")) {
            IllegalStateException down = new IllegalStateException("database down (record text here)");
            store.failLoad = down;
            IopException e = assertThrows(IopException.class, m::getAccessToken);
            assertSame(down, e.getCause());
            assertTrue(e.getMessage().contains("load"), e.getMessage());
            assertFalse(e.getMessage().contains("record text"), "the application's message is not copied");
            IOException checked = new IOException("disk");
            store.failLoad = checked;
            assertSame(checked, assertThrows(IopException.class, m::loadRecord).getCause());
            store.failLoad = null;

            RuntimeException full = new UnsupportedOperationException("full");
            store.failSwap = full;
            IopException swap = assertThrows(IopException.class, () -> m.createToken(sandbox.code(Sandbox.APP_KEY)));
            assertSame(full, swap.getCause());
            assertEquals(store.lockCalls.get(), store.unlockCalls.get(), "the lock is released after a failure");
            store.failSwap = null;
            m.createToken(sandbox.code(Sandbox.APP_KEY));
            assertFalse(m.getAccessToken().isEmpty(), "the manager works once the store does");
        }
        try (TokenManager nobody = new TokenManager(client, store, "nobody")) {
            IopException e = assertThrows(IopReauthorizationRequiredException.class, nobody::getAccessToken);
            assertNull(e.getCause(), "no exception of an earlier call is attached");
        }
    }

    @Test
    void aStoreThatListsNoAccountsHasNoDueList() {
        TokenStore minimal = new TokenStore() {
            @Override
            public String load(String account) {
                return null;
            }

            @Override
            public boolean compareAndSwap(String account, long expectedVersion, String recordJson) {
                return false;
            }

            @Override
            public boolean lock(String account, long timeoutMillis) {
                return true;
            }

            @Override
            public void unlock(String account) {}
        };
        IopException e = assertThrows(IopException.class, () -> minimal.listDue(Duration.ofDays(1)));
        assertTrue(e.getMessage().contains("accounts"), e.getMessage());
    }

    @Test
    void anUnclosedManagerIsFreedAndReleasesTheApplicationsStore() throws Exception {
        WeakReference<CountingStore> weak = abandonManager();
        for (int i = 0; i < 100 && weak.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(weak.get(), "the native side still holds the store after the Cleaner ran");
    }

    private static WeakReference<CountingStore> abandonManager() throws Exception {
        CountingStore store = new CountingStore();
        TokenManager m = new TokenManager(client, store, "seller-abandoned");
        assertNull(m.loadRecord());
        assertEquals(1, store.loads.get());
        return new WeakReference<>(store);
    }
}
