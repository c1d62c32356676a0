package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TokenManager with the memory, file and an application's (callback) store against the sandbox:
 * seeding, fresh tokens, refreshes, threads, dead grants, the due list, failing callbacks,
 * lifetimes; the EnOS manager and the EnOS client's CA bundle.
 */
class TokenManagerTest {
    /** Longer than the sandbox's access tokens (7 days): every accessToken() refreshes. */
    private static final Duration ALWAYS_REFRESH = Duration.ofDays(8);
    private static final String REFRESH_ROUTE = "/auth/token/refresh";

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

    private static boolean sellerGetWorks(String accessToken) throws IopException {
        return client.execute(new IopRequest("/seller/get"), accessToken).isSuccess();
    }

    /**
     * The common flow on any store: nothing stored, a grant from a code, a fresh token served as
     * is, refreshes with a margin longer than the token's life, the due list.
     */
    private static void checkFlow(TokenStore store, String account) throws Exception {
        try (TokenManager m = new TokenManager(client, store, account);
                TokenManager always = new TokenManager(client, store, account, ALWAYS_REFRESH)) {
            IopReauthorizationRequiredException none = assertThrows(IopReauthorizationRequiredException.class,
                    m::accessToken);
            assertEquals(IopException.Kind.REAUTHORIZATION_REQUIRED, none.getKind());
            assertTrue(none.getMessage().contains(account), none.getMessage());
            assertNull(m.record());

            Instant before = Instant.now();
            TokenRecord granted = m.createToken(sandbox.code(Sandbox.APP_KEY));
            assertEquals(1, granted.getVersion());
            assertTrue(granted.canRefresh());
            assertFalse(granted.needsReauthorization());
            assertNotNull(granted.getSellerId());
            assertFalse(granted.getGrantedAt().isBefore(before.minusSeconds(1)));
            assertEquals(granted.getRefreshExpiresAt(), granted.getReauthorizeBy());
            assertTrue(granted.getReauthorizeBy().isAfter(before.plus(Duration.ofDays(29))), granted.toString());
            assertFalse(granted.toString().contains(granted.getAccessToken()), "toString hides the tokens");
            assertFalse(granted.toString().contains(granted.getRefreshToken()), "toString hides the tokens");

            long refreshes = sandbox.routeHits(REFRESH_ROUTE);
            String t1 = m.accessToken();
            assertEquals(granted.getAccessToken(), t1);
            assertEquals(t1, m.accessToken(), "a fresh token is served as it is");
            assertEquals(refreshes, sandbox.routeHits(REFRESH_ROUTE));

            String a1 = always.accessToken();
            String a2 = always.accessToken();
            assertNotEquals(t1, a1);
            assertNotEquals(a1, a2, "every call refreshes with an 8-day margin");
            assertEquals(refreshes + 2, sandbox.routeHits(REFRESH_ROUTE));
            assertTrue(sellerGetWorks(a2));
            TokenRecord now = m.record();
            assertEquals(5, now.getVersion(), "grant, then a marker and the new pair per refresh");
            assertEquals(a2, now.getAccessToken());
            assertNotEquals(granted.getRefreshToken(), now.getRefreshToken(), "the rotated refresh token is stored");
            assertEquals(granted.getGrantedAt(), now.getGrantedAt());
            assertNull(now.getRefreshStartedAt());
            assertEquals(a2, m.accessToken(), "the default margin serves the refreshed token");

            List<ReauthorizationDue> due = store.reauthorizationDue(Duration.ofDays(40));
            assertTrue(due.stream().anyMatch(d -> d.getAccount().equals(account)), due.toString());
            assertTrue(store.reauthorizationDue(Duration.ZERO).isEmpty());
        }
    }

    // ---- memory store -------------------------------------------------------------------------

    @Test
    void memoryStoreFlow() throws Exception {
        try (MemoryTokenStore store = new MemoryTokenStore()) {
            checkFlow(store, "seller-memory");
            assertEquals(List.of("seller-memory"), store.accounts());
            assertThrows(IopInvalidArgumentException.class, () -> store.reauthorizationDue(Duration.ofSeconds(-1)));
        }
    }

    @Test
    void threadsShareOneManagerAndAFreshTokenIsNeverRefreshed() throws Exception {
        try (MemoryTokenStore store = new MemoryTokenStore();
                TokenManager m = new TokenManager(client, store, "seller-threads")) {
            TokenRecord granted = m.createToken(sandbox.code(Sandbox.APP_KEY));
            long refreshes = sandbox.routeHits(REFRESH_ROUTE);
            Set<String> seen = runThreads(16, 25, m);
            assertEquals(Set.of(granted.getAccessToken()), seen);
            assertEquals(refreshes, sandbox.routeHits(REFRESH_ROUTE), "the sandbox saw no refresh");
            assertEquals(1, m.record().getVersion());
        }
    }

    @Test
    void threadsRefreshingAtOnceNeverLoseTheRotatedRefreshToken() throws Exception {
        try (MemoryTokenStore store = new MemoryTokenStore();
                TokenManager m = new TokenManager(client, store, "seller-race", ALWAYS_REFRESH)) {
            m.createToken(sandbox.code(Sandbox.APP_KEY));
            long before = sandbox.routeHits(REFRESH_ROUTE);
            Set<String> seen = runThreads(16, 2, m);
            long refreshes = sandbox.routeHits(REFRESH_ROUTE) - before;
            assertTrue(refreshes >= 1 && refreshes <= 32, "refreshes: " + refreshes);
            TokenRecord last = m.record();
            assertFalse(last.needsReauthorization(), "a refresh token was used twice: " + last);
            assertEquals(1 + 2 * refreshes, last.getVersion(), "every refresh stored its pair");
            assertTrue(seen.size() <= refreshes, "one token per refresh at most");
            assertTrue(sellerGetWorks(m.accessToken()));
        }
    }

    /** {@code threads} threads calling {@code m.accessToken()} {@code calls} times each, started together. */
    private static Set<String> runThreads(int threads, int calls, TokenManager m) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    List<String> got = new ArrayList<>();
                    for (int i = 0; i < calls; i++) {
                        got.add(m.accessToken());
                    }
                    return got;
                }));
            }
            Set<String> seen = new HashSet<>();
            for (Future<List<String>> f : results) {
                seen.addAll(f.get(60, TimeUnit.SECONDS));
            }
            return seen;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRotatedAwayRefreshTokenServesTheStaleTokenAndRecordsTheReason() throws Exception {
        try (MemoryTokenStore store = new MemoryTokenStore();
                TokenManager m = new TokenManager(client, store, "seller-rotated", ALWAYS_REFRESH)) {
            TokenRecord granted = m.createToken(sandbox.code(Sandbox.APP_KEY));
            client.refreshToken(granted.getRefreshToken()); // elsewhere: the stored one is now dead
            long refreshes = sandbox.routeHits(REFRESH_ROUTE);
            assertEquals(granted.getAccessToken(), m.accessToken(), "the stale token is served while valid");
            assertEquals(refreshes + 1, sandbox.routeHits(REFRESH_ROUTE));
            TokenRecord dead = m.record();
            assertTrue(dead.needsReauthorization());
            assertTrue(dead.getReauthorizationReason().contains("IllegalRefreshToken"), dead.getReauthorizationReason());
            assertEquals(granted.getAccessToken(), m.accessToken());
            assertEquals(refreshes + 1, sandbox.routeHits(REFRESH_ROUTE), "a dead grant is never sent again");
            assertEquals(dead.getVersion(), m.record().getVersion());
            List<ReauthorizationDue> due = store.reauthorizationDue(Duration.ZERO);
            assertEquals(1, due.size(), due.toString());
            assertEquals("seller-rotated", due.get(0).getAccount());
            assertFalse(due.get(0).getReauthorizeBy().isAfter(Instant.now()));
        }
    }

    @Test
    void aDeadGrantWhoseTokenExpiredRequiresReauthorization() throws Exception {
        try (MemoryTokenStore store = new MemoryTokenStore();
                TokenManager m = new TokenManager(client, store, "seller-expired")) {
            m.createToken(sandbox.code(Sandbox.APP_KEY));
            // Through the store's own TokenStore methods: the grant marked dead, its token expired.
            String json = store.load("seller-expired");
            assertTrue(json.contains("\"version\":1"), "unexpected record shape");
            String expired = json.replaceFirst("\"version\":1", "\"version\":2")
                    .replaceFirst("\"expires_at_ms\":\\d+", "\"expires_at_ms\":1000")
                    .replaceFirst("\"reauthorization_reason\":null", "\"reauthorization_reason\":\"test: refused\"");
            assertTrue(store.lock("seller-expired", 1_000));
            assertFalse(store.compareAndSwap("seller-expired", 7, expired), "a stale version is refused");
            assertTrue(store.compareAndSwap("seller-expired", 1, expired));
            store.unlock("seller-expired");
            IopReauthorizationRequiredException e = assertThrows(IopReauthorizationRequiredException.class,
                    m::accessToken);
            assertTrue(e.getMessage().contains("test: refused"), e.getMessage());
        }
    }

    @Test
    void aGrantThatCannotBeRefreshedIsServedUntilItExpires() throws Exception {
        try (IopClient noRefresh = new IopClient(sandbox.lazada(), Sandbox.NON_REFRESHABLE_APP_KEY,
                        Sandbox.NON_REFRESHABLE_APP_SECRET);
                MemoryTokenStore store = new MemoryTokenStore();
                TokenManager m = new TokenManager(noRefresh, store, "seller-norefresh", ALWAYS_REFRESH)) {
            TokenRecord granted = m.createToken(sandbox.code(Sandbox.NON_REFRESHABLE_APP_KEY));
            assertFalse(granted.canRefresh());
            assertEquals(granted.getExpiresAt(), granted.getReauthorizeBy());
            assertEquals(granted.getAccessToken(), m.accessToken());
            assertTrue(m.record().getReauthorizationReason().contains("cannot be refreshed"));
        }
    }

    @Test
    void aGrantStoredFromATokenReplacesTheChain() throws Exception {
        try (MemoryTokenStore store = new MemoryTokenStore();
                TokenManager m = new TokenManager(client, store, "seller-grant")) {
            m.createToken(sandbox.code(Sandbox.APP_KEY));
            Token token = client.createToken(sandbox.code(Sandbox.APP_KEY));
            TokenRecord stored = m.storeGrant(token);
            assertEquals(2, stored.getVersion());
            assertEquals(token.getRefreshToken(), stored.getRefreshToken());
            assertEquals(token.getExpiresAt().toEpochMilli(), stored.getExpiresAt().toEpochMilli());
            assertEquals(token.getRefreshExpiresAt(), stored.getRefreshExpiresAt());
            assertEquals(token.getSellerId(), stored.getSellerId());
            assertEquals(token.getAccessToken(), m.accessToken());
            assertEquals(stored, m.record());
        }
    }

    // ---- file store ---------------------------------------------------------------------------

    @Test
    void fileStoreFlowKeepsAPrivateFileWithoutTheSecret(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("tokens.json");
        try (FileTokenStore store = new FileTokenStore(path)) {
            assertEquals(path, store.getPath());
            checkFlow(store, "seller-file");
            assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(path));
            String text = Files.readString(path, StandardCharsets.UTF_8);
            assertTrue(text.contains("iopkit-tokens/1"));
            assertTrue(text.contains("seller-file"));
            assertFalse(text.contains(Sandbox.APP_SECRET), "the file holds no app secret");
            // Another store on the file (as another process would open it) sees the same record
            // and is excluded by the lock.
            try (FileTokenStore other = new FileTokenStore(path.toString())) {
                assertEquals(store.load("seller-file"), other.load("seller-file"));
                assertTrue(store.lock("seller-file", 1_000));
                assertFalse(other.lock("seller-file", 50), "the advisory lock excludes other holders");
                store.unlock("seller-file");
                assertTrue(other.lock("seller-file", 1_000));
                other.unlock("seller-file");
                assertThrows(IopInvalidArgumentException.class, () -> other.unlock("seller-file"));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new FileTokenStore("/"));
    }

    // ---- an application's store ---------------------------------------------------------------

    /** A store as an application writes one: maps and a lock per account, counting calls. */
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
    void applicationStoreFlowWithCountedCalls() throws Exception {
        CountingStore store = new CountingStore();
        checkFlow(store, "seller-app");
        assertEquals(5, store.swaps.get(), "grant, then a marker and the new pair per refresh");
        assertEquals(5L, store.versions.get("seller-app"));
        assertTrue(store.records.get("seller-app").contains("\"version\":5"), "the record's version is expected + 1");
        assertEquals(store.lockCalls.get(), store.unlockCalls.get());
        assertTrue(store.lockCalls.get() >= 3, "locks: " + store.lockCalls.get());
        assertTrue(store.loads.get() > 0);
        assertFalse(store.anyLockHeld());
    }

    @Test
    void anExceptionInAStoreCallbackBecomesAnIopExceptionWithItAsTheCause() throws Exception {
        CountingStore store = new CountingStore();
        try (TokenManager m = new TokenManager(client, store, "seller-failing")) {
            IllegalStateException down = new IllegalStateException("database down (record text here)");
            store.failLoad = down;
            IopInternalException e = assertThrows(IopInternalException.class, m::accessToken);
            assertSame(down, e.getCause());
            assertTrue(e.getMessage().contains("`load`") && e.getMessage().contains("IllegalStateException"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("record text"), "the application's message is not copied");
            IOException checked = new IOException("disk");
            store.failLoad = checked;
            assertSame(checked, assertThrows(IopInternalException.class, m::record).getCause());
            store.failLoad = null;

            RuntimeException full = new UnsupportedOperationException("full");
            store.failSwap = full;
            IopInternalException swap = assertThrows(IopInternalException.class,
                    () -> m.createToken(sandbox.code(Sandbox.APP_KEY)));
            assertSame(full, swap.getCause());
            assertTrue(swap.getMessage().contains("compareAndSwap"), swap.getMessage());
            assertEquals(store.lockCalls.get(), store.unlockCalls.get(), "the lock is released after a failure");
            assertFalse(store.anyLockHeld());
            store.failSwap = null;

            TokenRecord granted = m.createToken(sandbox.code(Sandbox.APP_KEY));
            assertEquals(granted.getAccessToken(), m.accessToken(), "the manager works once the store does");
        }
        try (TokenManager nobody = new TokenManager(client, store, "nobody")) {
            IopReauthorizationRequiredException e = assertThrows(IopReauthorizationRequiredException.class,
                    nobody::accessToken);
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
        IopInvalidArgumentException e = assertThrows(IopInvalidArgumentException.class,
                () -> minimal.reauthorizationDue(Duration.ofDays(1)));
        assertTrue(e.getMessage().contains("accounts"), e.getMessage());
    }

    // ---- lifetime and arguments ---------------------------------------------------------------

    @Test
    void managersKeepTheirClientAndStoreAlive() throws Exception {
        IopClient own = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
        MemoryTokenStore store = new MemoryTokenStore();
        TokenManager m = new TokenManager(own, store, "seller-alive", ALWAYS_REFRESH);
        TokenManager callback = new TokenManager(own, new CountingStore(), "seller-alive");
        m.createToken(sandbox.code(Sandbox.APP_KEY));
        own.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.load("seller-alive"));
        assertThrows(IllegalStateException.class, () -> new TokenManager(own, new MemoryTokenStore(), "x"));
        assertThrows(IllegalStateException.class, () -> new TokenManager(client, store, "x"));
        String before = m.record().getAccessToken();
        assertNotEquals(before, m.accessToken(), "refreshes through the closed client's native side");
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        callback.createToken(sandbox.code(Sandbox.APP_KEY));
        assertInstanceOf(CountingStore.class, callback.getStore());
        assertEquals(1, ((CountingStore) callback.getStore()).swaps.get());
        m.close();
        m.close();
        callback.close();
        assertTrue(m.isClosed());
        assertThrows(IllegalStateException.class, m::accessToken);
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
        assertNull(m.record());
        assertEquals(1, store.loads.get());
        return new WeakReference<>(store);
    }

    @Test
    void badArguments() throws Exception {
        try (MemoryTokenStore store = new MemoryTokenStore()) {
            assertThrows(IllegalArgumentException.class, () -> new TokenManager(client, store, ""));
            assertThrows(IllegalArgumentException.class,
                    () -> new TokenManager(client, store, "a", Duration.ofSeconds(-1)));
            assertThrows(NullPointerException.class, () -> new TokenManager(null, store, "a"));
            assertThrows(NullPointerException.class, () -> new TokenManager(client, null, "a"));
            assertThrows(NullPointerException.class, () -> new TokenManager(client, store, null));
            assertThrows(IopInvalidArgumentException.class, () -> store.compareAndSwap("a", 0, "{not json"));
            assertThrows(IopInvalidArgumentException.class, () -> store.compareAndSwap("a", -1, "{}"));
            assertThrows(IopInvalidArgumentException.class, () -> store.lock("a", -1));
            try (TokenManager m = new TokenManager(client, store, "a", Duration.ZERO)) {
                assertEquals(Duration.ZERO, m.getRefreshMargin());
                assertEquals("a", m.getAccount());
                assertSame(store, m.getStore());
                assertThrows(NullPointerException.class, () -> m.storeGrant(null));
                assertThrows(IopPlatformException.class, () -> m.createToken("not-a-code"));
                assertNull(m.record(), "a refused code stores nothing");
            }
            try (TokenManager m = new TokenManager(client, store, "b")) {
                assertEquals(TokenManager.DEFAULT_REFRESH_MARGIN, m.getRefreshMargin());
            }
        }
    }

    // ---- EnOS ---------------------------------------------------------------------------------

    @Test
    void enosManagerGetsItsFirstTokenItself() throws Exception {
        try (EnosClient enos = new EnosClient(sandbox.url, Sandbox.ENOS_APP_KEY, Sandbox.ENOS_APP_SECRET);
                MemoryTokenStore store = new MemoryTokenStore();
                TokenManager m = TokenManager.forEnos(enos, store, "enos-app");
                TokenManager always = TokenManager.forEnos(enos, store, "enos-app", Duration.ofSeconds(7300))) {
            String first = m.accessToken();
            assertFalse(first.isEmpty());
            assertEquals(first, m.accessToken());
            TokenRecord r = m.record();
            assertEquals("", r.getRefreshToken());
            assertNull(r.getReauthorizeBy(), "the app renews EnOS tokens on its own");
            assertTrue(r.getExpiresAt().isAfter(Instant.now().plusSeconds(7000)));
            String refreshed = always.accessToken();
            assertNotEquals(first, refreshed, "a margin over 7200 s refreshes");
            assertTrue(enos.call("GET", Sandbox.ENOS_DEVICES + "?action=get", null, refreshed).isSuccess());
            assertThrows(IopInvalidArgumentException.class, () -> m.createToken("code"));
            assertTrue(store.reauthorizationDue(Duration.ofDays(365)).isEmpty());
        }
    }

    /** A self-signed CA certificate (valid until 2126), the one the C suite uses. */
    private static final String TEST_CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBjjCCATOgAwIBAgIUdADDhUT9vGIaeE3WswR2xYaBgB4wCgYIKoZIzj0EAwIw
            GzEZMBcGA1UEAwwQaW9wa2l0IEMgdGVzdCBDQTAgFw0yNjExMjQyMzI1MzNaGA8y
            MTI2MTAzMTIzMjUzM1owGzEZMBcGA1UEAwwQaW9wa2l0IEMgdGVzdCBDQTBZMBMG
            ByqGSM49AgEGCCqGSM49AwEHA0IABEaE5a4rfK8X3rFiBYAwIaGLEXk4YklM9jug
            EQFS9pIU5HdqsZ68nX9zLs1N5gne4zEU+cSXAH8l1YVeBmN4xcajUzBRMB0GA1Ud
            DgQWBBQs12va+X4GaIIXGUWpdLcZyy6IzDAfBgNVHSMEGDAWgBQs12va+X4GaIIX
            GUWpdLcZyy6IzDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDC
            cVjG1vXpQ/LYHjHUAjITRBw8EYyNJjsoVJMlMOjHIwIhAM6nURlc+ttILF6Nf6/H
            D6AyWJ06y4OWEKn78MzjTqA7
            -----END CERTIFICATE-----
            """;

    @Test
    void enosClientCaBundle(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("ca.pem"), TEST_CA_PEM);
        Path bad = Files.writeString(dir.resolve("bad.pem"), "this is not a certificate\n");
        try (EnosClient enos = new EnosClient(sandbox.url, Sandbox.ENOS_APP_KEY, Sandbox.ENOS_APP_SECRET)) {
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> enos.setCaBundleFile(dir.resolve("missing.pem")));
            assertTrue(missing.getMessage().contains("missing.pem"), missing.getMessage());
            IllegalArgumentException notPem = assertThrows(IllegalArgumentException.class, () -> enos.setCaBundleFile(bad));
            assertInstanceOf(IopInvalidArgumentException.class, notPem.getCause());
            assertTrue(notPem.getMessage().contains("ca_bundle"), notPem.getMessage());
            assertThrows(NullPointerException.class, () -> enos.setCaBundleFile(null));
            enos.setCaBundleFile(good);
            enos.setCaBundle(TEST_CA_PEM);
            enos.setCaBundle(null);
            assertFalse(enos.getToken().getAccessToken().isEmpty(), "plain loopback HTTP still works");
        }
        EnosClient closed = new EnosClient(sandbox.url, Sandbox.ENOS_APP_KEY, Sandbox.ENOS_APP_SECRET);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.setCaBundleFile(good));
        try (IopClient iop = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            iop.setCaBundleFile(good);
            assertThrows(IllegalArgumentException.class, () -> iop.setCaBundleFile(bad));
        }
    }
}
