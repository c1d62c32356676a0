package io.iopkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Exercises the native entry points (success and failure paths, callbacks, several threads) in a
 * child JVM started with -Xcheck:jni; LoaderTest checks its output holds no JNI warning.
 */
public final class JniWorkload {
    private JniWorkload() {}

    public static void main(String[] args) throws Exception {
        // Every event goes through the JNI log upcall (batch workers and pool threads included),
        // into a counting handler rather than the console, whose WARNING lines LoaderTest refuses.
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(IopLogging.LOGGER_NAME);
        java.util.concurrent.atomic.AtomicInteger events = new java.util.concurrent.atomic.AtomicInteger();
        log.setUseParentHandlers(false);
        log.setLevel(java.util.logging.Level.ALL);
        log.addHandler(new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                events.incrementAndGet();
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
        IopLogging.refreshLevel();
        Iopkit.statusName(99);
        try (Sandbox sandbox = Sandbox.start();
                IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            Token token = client.createToken(sandbox.code(Sandbox.APP_KEY));
            token = client.refreshToken(token.getRefreshToken());
            final String access = token.getAccessToken();
            try {
                client.createToken("bad");
                throw new AssertionError("bad code accepted");
            } catch (IopPlatformException expected) {
                // Built in native code.
            }
            try {
                client.execute(new IopRequest(""));
                throw new AssertionError("empty API name accepted");
            } catch (IopInvalidArgumentException expected) {
                // Built in native code.
            }
            client.sign(many(), access, Protocol.GOP, 1_700_000_000_000L);
            try {
                new IopClient("ftp://x", "k", "s");
                throw new AssertionError("ftp accepted");
            } catch (IllegalArgumentException expected) {
                // From the native constructor.
            }
            if (!client.execute(many(), access).isSuccess()) {
                throw new AssertionError("many-parameter call failed");
            }
            client.setReadTimeout(10_000);
            client.setConnectTimeout(10_000);
            client.setPartnerId("iopkit-workload");
            client.setAllowInsecureHttp(false);
            client.setMaxResponseBytes(1 << 20);
            client.setCaBundle(null);
            Token.parse(token.getRaw(), java.time.Instant.now());
            ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            });
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    boolean ok = true;
                    for (int i = 0; i < 50; i++) {
                        ok &= client.execute(new IopRequest("/seller/get"), access).isSuccess();
                        ok &= !client.execute(new IopRequest("/seller/get"), "bad").isSuccess();
                    }
                    return ok;
                }));
            }
            for (Future<Boolean> f : results) {
                if (!f.get()) {
                    throw new AssertionError("a threaded call failed");
                }
            }
            pool.shutdown();
            // Batch workers are native threads: their log events attach them to the JVM.
            List<IopRequest> batch = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                batch.add(new IopRequest("/seller/get"));
            }
            for (BatchResult r : client.executeBatch(batch, access, 8)) {
                if (!r.get().isSuccess()) {
                    throw new AssertionError("a batch call failed");
                }
            }
            if (!client.executeAsync(new IopRequest("/seller/get"), access).get().isSuccess()) {
                throw new AssertionError("an async call failed");
            }

            client.setMaxConnectRetries(1);
            IopRequest throttled = new IopRequest("/seller/get");
            throttled.addHeaderParameter("X-Sandbox-Fault", "throttle;seconds=2");
            if (client.execute(throttled, access).getRetryAfter() == null) {
                throw new AssertionError("no retry-after on a throttled response");
            }
            enosWorkload(sandbox);
            authorizationWorkload();
            managerWorkload(sandbox, client);
            pushWorkload();
        }
        if (events.get() < 400) {
            throw new AssertionError("log events: " + events.get());
        }
        System.out.println("WORKLOAD OK");
    }

    private static void pushWorkload() throws Exception {
        byte[] body = "{\"seller_id\":\"null\",\"message_type\":8,\"data\":{\"auth_expiry_time\":1627542238,\"seller_id\":\"7\"}}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (PushReceiver push = new PushReceiver("115527", "pushSecret"); MemoryTokenStore store = new MemoryTokenStore()) {
            for (int i = 0; i < 20; i++) {
                try (PushMessage m = push.verify(push.sign(body), body)) {
                    store.applyPush(m);
                }
                try {
                    push.verify(null, body);
                    throw new AssertionError("missing header accepted");
                } catch (IopPushRejectedException expected) {
                    // Built in native code.
                }
            }
        }
    }

    private static IopRequest many() {
        IopRequest many = new IopRequest("/seller/get");
        for (int i = 0; i < 100; i++) {
            many.addApiParameter("p" + i, "v" + i);
            many.addHeaderParameter("X-H" + i, "h" + i);
        }
        for (int i = 0; i < 20; i++) {
            many.addFileParameter("f" + i, "f" + i + ".bin", new byte[] {(byte) i});
        }
        return many;
    }

    private static void enosWorkload(Sandbox sandbox) throws Exception {
        try (EnosClient enos = new EnosClient(sandbox.url, Sandbox.ENOS_APP_KEY, Sandbox.ENOS_APP_SECRET)) {
            EnosToken token = enos.refreshToken(enos.getToken().getAccessToken());
            String access = token.getAccessToken();
            enos.sign(access, "/p?a=1", "{}", null);
            enos.sign(access, "/p?a=1", new byte[] {1, 2}, java.time.Instant.now());
            enos.setConnectTimeout(5_000);
            enos.setReadTimeout(5_000);
            if (!enos.call("POST", Sandbox.ENOS_DEVICES + "?action=x", "{\"a\":1}", access).isSuccess()) {
                throw new AssertionError("EnOS call failed");
            }
            try {
                enos.refreshToken("APP_TOKEN_unknown");
                throw new AssertionError("unknown EnOS token refreshed");
            } catch (IopPlatformException expected) {
                // Built in native code.
            }
            try {
                enos.sign("", "/p");
                throw new AssertionError("empty token signed");
            } catch (IopInvalidArgumentException expected) {
                // Built in native code.
            }
            sandbox.advanceClock(7201);
            try {
                enos.refreshToken(access);
                throw new AssertionError("expired EnOS token refreshed");
            } catch (IopTokenExpiredException expected) {
                // Built in native code.
            }
        }
        try {
            new EnosClient("ftp://x", "k", "s");
            throw new AssertionError("ftp accepted");
        } catch (IllegalArgumentException expected) {
            // From the native constructor.
        }
    }

    /**
     * Token stores (memory, file, Redis, an application's, one that throws) and managers, on
     * several threads.
     */
    private static void managerWorkload(Sandbox sandbox, IopClient client) throws Exception {
        Path dir = Files.createTempDirectory("iopkit-workload");
        CallbackStoreTest.CountingStore app = new CallbackStoreTest.CountingStore();
        try (MemoryTokenStore memory = new MemoryTokenStore();
                FileTokenStore file = new FileTokenStore(dir.resolve("tokens.json"));
                RedisServer redisServer = RedisServer.start();
                RedisTokenStore redis = RedisTokenStore.builder(redisServer.url(), Sandbox.APP_KEY)
                        .encryptionKey(new byte[32]).timeout(Duration.ofSeconds(2)).build()) {
            try {
                new RedisTokenStore(redisServer.url(), Sandbox.APP_KEY, null, new byte[5], null, null);
                throw new AssertionError("a 5-byte key accepted");
            } catch (IllegalArgumentException expected) {
                // From the native constructor.
            }
            try (RedisTokenStore closed = new RedisTokenStore("redis://127.0.0.1:" + RedisServer.freePort(),
                    Sandbox.APP_KEY)) {
                closed.listDue(Duration.ZERO);
                throw new AssertionError("a closed port answered");
            } catch (IopConnectException expected) {
                // Built in native code.
            }
            for (Object store : List.<Object>of(memory, file, redis, app)) {
                try (TokenManager m = store instanceof NativeTokenStore n
                        ? new TokenManager(client, n, "seller", Duration.ofDays(8))
                        : new TokenManager(client, (TokenStore) store, "seller", Duration.ofDays(8))) {
                    if (m.loadRecord() != null) {
                        throw new AssertionError("record before any grant");
                    }
                    m.createToken(sandbox.code(Sandbox.APP_KEY));
                    m.storeGrant(client.createToken(sandbox.code(Sandbox.APP_KEY)));
                    ExecutorService pool = Executors.newFixedThreadPool(4);
                    List<Future<String>> tokens = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        tokens.add(pool.submit(m::getAccessToken));
                    }
                    for (Future<String> f : tokens) {
                        if (f.get().isEmpty()) {
                            throw new AssertionError("empty access token");
                        }
                    }
                    pool.shutdown();
                    String due = store instanceof NativeTokenStore n ? n.listDue(Duration.ofDays(40))
                            : ((TokenStore) store).listDue(Duration.ofDays(40));
                    if (!due.contains("seller")) {
                        throw new AssertionError("empty due list");
                    }
                }
            }
        }
        app.failLoad = new IllegalStateException("workload");
        try (TokenManager m = new TokenManager(client, app, "seller")) {
            m.getAccessToken();
            throw new AssertionError("a throwing store went unnoticed");
        } catch (IopException expected) {
            if (expected.getCause() != app.failLoad) {
                throw new AssertionError("the callback's exception is not the cause");
            }
        }
        try (EnosClient enos = new EnosClient(sandbox.url, Sandbox.ENOS_APP_KEY, Sandbox.ENOS_APP_SECRET);
                MemoryTokenStore store = new MemoryTokenStore();
                TokenManager m = TokenManager.forEnos(enos, store, "enos", null)) {
            m.getAccessToken();
            enos.setCaBundle(null);
            try {
                enos.setCaBundle("/nonexistent/ca.pem");
                throw new AssertionError("bad PEM accepted");
            } catch (IllegalArgumentException expected) {
                // From the native side.
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private static void authorizationWorkload() throws Exception {
        String state = Authorization.newState();
        Authorization.authorizeUrl(Authorization.Platform.LAZADA, "1", "https://h/cb", "sg", state);
        try {
            Authorization.authorizeUrl(Authorization.Platform.ALIEXPRESS, "1", "https://h/cb", "sg", null);
            throw new AssertionError("country accepted for AliExpress");
        } catch (IopInvalidArgumentException expected) {
            // Built in native code.
        }
        if (!Authorization.verifyState(state, state) || Authorization.verifyState(null, state)) {
            throw new AssertionError("verifyState");
        }
    }
}
