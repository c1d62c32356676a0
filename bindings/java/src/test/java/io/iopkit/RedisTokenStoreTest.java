package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RedisTokenStore against a real redis-server started by the test (killed at the end, also on
 * failure) and the sandbox: the manager's flow, a store shared by two "hosts", encryption at rest
 * and a wrong key, bad settings, and an unreachable Redis whose URL holds a password.
 */
class RedisTokenStoreTest {
    /** Longer than the sandbox's access tokens (7 days): every accessToken() refreshes. */
    private static final Duration ALWAYS_REFRESH = Duration.ofDays(8);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String PASSWORD = "s3cret-pw";

    private static Sandbox sandbox;
    private static IopClient client;
    private static RedisServer redis;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (redis != null) {
                redis.close();
            }
        } finally {
            if (client != null) {
                client.close();
            }
            if (sandbox != null) {
                sandbox.close();
            }
        }
    }

    private static boolean sellerGetWorks(String accessToken) throws IopException {
        return client.execute(new IopRequest("/seller/get"), accessToken).isSuccess();
    }

    /** The raw {@code data} field of an account's record in Redis. */
    private static String rawRecord(String namespace, String account) throws Exception {
        return redis.command("HGET", namespace + ":" + Sandbox.APP_KEY + ":" + account + ":record", "data");
    }

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    @Test
    void managerFlowOnRedisSharedByTwoStores() throws Exception {
        String account = "seller-redis";
        try (RedisTokenStore store = new RedisTokenStore(redis.url(), Sandbox.APP_KEY, "java-plain", null, null,
                        TIMEOUT);
                TokenManager m = new TokenManager(client, store, account);
                TokenManager always = new TokenManager(client, store, account, ALWAYS_REFRESH)) {
            assertThrows(IopReauthorizationRequiredException.class, m::getAccessToken);

            m.createToken(sandbox.code(Sandbox.APP_KEY));
            String granted = m.loadRecord();
            String t1 = m.getAccessToken();
            assertTrue(granted.contains(t1));
            assertTrue(sellerGetWorks(t1));
            assertTrue(rawRecord("java-plain", account).contains("\"version\":1"), "the record is in Redis as JSON");

            String a1 = always.getAccessToken();
            String a2 = always.getAccessToken();
            assertNotEquals(t1, a1);
            assertNotEquals(a1, a2, "every call refreshes with an 8-day margin");
            assertTrue(sellerGetWorks(a2));
            assertTrue(m.loadRecord().contains("\"version\":5"), "grant, then a marker and the new pair per refresh");
            assertTrue(store.listDue(Duration.ofDays(40)).contains("\"account\":\"" + account + "\""));
            assertEquals("[]", store.listDue(Duration.ZERO));

            // Another host: its own store object on the same Redis sees the refreshed pair.
            try (RedisTokenStore other = RedisTokenStore.builder(redis.url(), Sandbox.APP_KEY)
                            .namespace("java-plain").build();
                    TokenManager elsewhere = new TokenManager(client, other, account)) {
                assertEquals(a2, elsewhere.getAccessToken());
            }
            // Leases are released after each refresh.
            assertNull(redis.command("GET", "java-plain:" + Sandbox.APP_KEY + ":" + account + ":lock"));
        }
    }

    @Test
    void encryptedStoreWorksAndAnotherKeyIsRefused() throws Exception {
        String account = "seller-sealed";
        byte[] key = key(7);
        String token;
        try (RedisTokenStore store = RedisTokenStore.builder(redis.url(), Sandbox.APP_KEY).namespace("java-sealed")
                        .encryptionKey(key).lease(Duration.ofSeconds(5)).timeout(TIMEOUT).build();
                TokenManager m = new TokenManager(client, store, account, ALWAYS_REFRESH)) {
            Arrays.fill(key, (byte) 0); // the store kept its own copy
            m.createToken(sandbox.code(Sandbox.APP_KEY));
            token = m.getAccessToken();
            assertTrue(sellerGetWorks(token));
            String raw = rawRecord("java-sealed", account);
            assertNotNull(raw);
            assertFalse(raw.contains(token), "the record is sealed at rest");
            assertFalse(raw.contains("access_token"), "the record is sealed at rest");
            assertTrue(m.loadRecord().contains(token), "the manager opens it");
        }

        try (RedisTokenStore wrong = new RedisTokenStore(redis.url(), Sandbox.APP_KEY, "java-sealed", key(8), null,
                        TIMEOUT);
                TokenManager m = new TokenManager(client, wrong, account)) {
            IopInvalidArgumentException e = assertThrows(IopInvalidArgumentException.class, m::getAccessToken);
            assertEquals(IopStatus.INVALID_ARGUMENT, e.getStatus());
            assertTrue(e.getMessage().contains("another key"), e.getMessage());
            assertFalse(e.getMessage().contains(token), "the message holds no token");
        }
        try (RedisTokenStore none = new RedisTokenStore(redis.url(), Sandbox.APP_KEY, "java-sealed", null, null,
                TIMEOUT); TokenManager m = new TokenManager(client, none, account)) {
            IopInvalidArgumentException e = assertThrows(IopInvalidArgumentException.class, m::loadRecord);
            assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
        }
    }

    @Test
    void badSettingsAreRefusedBeforeConnecting() {
        String url = "redis://:" + PASSWORD + "@127.0.0.1:1";
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> new RedisTokenStore(url, Sandbox.APP_KEY, null, new byte[5], null, null));
        IopInvalidArgumentException cause = assertInstanceOf(IopInvalidArgumentException.class, shortKey.getCause());
        assertEquals(IopStatus.INVALID_ARGUMENT, cause.getStatus());
        assertTrue(cause.getMessage().contains("key_len"), cause.getMessage());
        assertFalse(shortKey.getMessage().contains(PASSWORD), shortKey.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RedisTokenStore.builder(url, Sandbox.APP_KEY).encryptionKey(new byte[33]).build());

        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
                () -> new RedisTokenStore("http://u:" + PASSWORD + "@127.0.0.1:1", Sandbox.APP_KEY));
        assertInstanceOf(IopInvalidArgumentException.class, scheme.getCause());
        assertTrue(scheme.getMessage().contains("url"), scheme.getMessage());
        assertFalse(scheme.getMessage().contains(PASSWORD), scheme.getMessage());

        IllegalArgumentException ns = assertThrows(IllegalArgumentException.class,
                () -> RedisTokenStore.builder(url, Sandbox.APP_KEY).namespace("a:b").build());
        assertTrue(ns.getMessage().contains("namespace"), ns.getMessage());
        IllegalArgumentException app = assertThrows(IllegalArgumentException.class,
                () -> new RedisTokenStore(url, ""));
        assertTrue(app.getMessage().contains("app_key"), app.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RedisTokenStore.builder(url, Sandbox.APP_KEY).lease(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class,
                () -> RedisTokenStore.builder(url, Sandbox.APP_KEY).timeout(Duration.ofMillis(-5)).build());
        assertThrows(IllegalArgumentException.class, () -> new RedisTokenStore(null, Sandbox.APP_KEY));
        assertThrows(IllegalArgumentException.class, () -> RedisTokenStore.builder(url, null).build());
    }

    @Test
    void anUnreachableRedisIsAConnectErrorWithoutThePassword() throws Exception {
        String url = "redis://:" + PASSWORD + "@127.0.0.1:" + RedisServer.freePort();
        try (RedisTokenStore store = new RedisTokenStore(url, Sandbox.APP_KEY, null, key(1), null, TIMEOUT);
                TokenManager m = new TokenManager(client, store, "seller-unreachable")) {
            assertFalse(store.toString().contains(PASSWORD), store.toString());
            IopConnectException e = assertThrows(IopConnectException.class, m::getAccessToken);
            assertEquals(IopStatus.CONNECT, e.getStatus());
            assertTrue(e.getMessage().contains("token store (redis"), e.getMessage());
            assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
            assertFalse(e.toString().contains(PASSWORD), e.toString());
            IopConnectException load = assertThrows(IopConnectException.class, () -> store.listDue(Duration.ZERO));
            assertFalse(load.getMessage().contains(PASSWORD), load.getMessage());
        }
    }
}
