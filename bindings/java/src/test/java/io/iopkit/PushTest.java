package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Push messages: receivers built with {@link PushReceiver} on 127.0.0.1, registered with the
 * sandbox, which pushes as the platform does (signed bodies in the platform's field order,
 * expiry alerts on its virtual clock, re-deliveries 30 virtual minutes apart). No signature,
 * secret or token is ever printed: assertions on them carry fixed messages.
 */
class PushTest {
    /** The sandbox's refresh-token lifetime ({@code iop_sandbox::DEFAULT_REFRESH_TTL_SECS}): the authorization's. */
    private static final long REFRESH_TTL_SECS = 2_592_000;
    private static final long HOUR = 3600;

    private Sandbox sandbox;

    @BeforeEach
    void start() throws IOException {
        sandbox = Sandbox.start();
    }

    @AfterEach
    void stop() throws IOException {
        sandbox.close();
    }

    /** A request as received. */
    record Delivery(String authorization, byte[] body) {
    }

    /** How a test receiver answers one request: the HTTP status. */
    interface Answer {
        int apply(String authorization, byte[] body) throws Exception;
    }

    /** An HTTP receiver (com.sun.net.httpserver) on 127.0.0.1 reading the raw body; what it got and its failures. */
    static final class Receiver implements AutoCloseable {
        final List<Delivery> received = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        Receiver(Answer answer) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/lazada/push", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                received.add(new Delivery(authorization, body));
                int status = 500;
                try {
                    status = answer.apply(authorization, body);
                } catch (Throwable t) {
                    failures.add(t);
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/lazada/push";
        }

        @Override
        public void close() {
            server.stop(0);
            assertTrue(failures.isEmpty(), () -> "the receiver failed: " + failures);
        }
    }

    private List<JsonObject> attempts(long id) throws IOException {
        return sandbox.pushLog().stream().filter(d -> d.get("id").getAsLong() == id).toList();
    }

    /** One trade-order push from the sandbox, as received. */
    private Delivery oneOrderPush() throws IOException {
        try (Receiver rx = new Receiver((a, b) -> 200)) {
            sandbox.registerPush(rx.url(), Sandbox.APP_KEY);
            sandbox.pushOrder("1000100042");
            sandbox.flushPush();
            assertEquals(1, rx.received.size());
            return rx.received.get(0);
        }
    }

    private static String reason(PushReceiver r, String authorization, byte[] body) {
        IopPushRejectedException e = assertThrows(IopPushRejectedException.class, () -> r.verify(authorization, body));
        assertEquals(IopStatus.PUSH_REJECTED, e.getStatus());
        assertFalse(e.getMessage().contains(Sandbox.APP_SECRET), "no secret in the message");
        assertFalse(authorization != null && authorization.length() > 8 && e.getMessage().contains(authorization),
                "no signature in the message");
        return e.getCode();
    }

    @Test
    void sandboxPushVerifiesAndTheBadSignatureFaultIsRefused() throws Exception {
        List<PushMessage> verified = new CopyOnWriteArrayList<>();
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (PushReceiver push = new PushReceiver(Sandbox.APP_KEY, Sandbox.APP_SECRET);
                Receiver rx = new Receiver((authorization, body) -> {
                    try (PushMessage m = push.verify(authorization, body)) {
                        verified.add(m);
                        return 200;
                    } catch (IopPushRejectedException e) {
                        reasons.add(e.getCode());
                        return 401;
                    }
                })) {
            sandbox.registerPush(rx.url(), Sandbox.APP_KEY);
            long order = sandbox.pushOrder("1000100042");
            sandbox.flushPush();
            assertEquals(1, verified.size());
            PushMessage m = verified.get(0);
            assertEquals(PushType.TRADE_ORDER, m.getType());
            assertEquals(0, m.getMessageType());
            assertEquals("1000100042", m.getSellerId());
            assertEquals("lazada_sg", m.getSite());
            assertTrue(m.getTimestamp().toEpochMilli() > 1_000_000_000_000L, "seconds converted to ms");
            assertTrue(JsonParser.parseString(m.getDataJson()).getAsJsonObject().get("trade_order_id").isJsonPrimitive());
            assertArrayEquals(rx.received.get(0).body(), m.getBody().getBytes(StandardCharsets.UTF_8));
            assertFalse(m.isDuplicate());
            assertNull(m.getAuthExpiresAt());
            assertEquals(200, attempts(order).get(0).get("status").getAsInt());

            sandbox.armPushBadSignature(1);
            long bad = sandbox.pushOrder("1000100008");
            sandbox.flushPush();
            assertEquals(List.of("SignatureMismatch"), reasons);
            JsonObject first = attempts(bad).get(0);
            assertEquals(401, first.get("status").getAsInt());
            assertTrue(first.get("bad_signature").getAsBoolean());
            sandbox.advanceClock(30 * 60);
            sandbox.flushPush();
            List<JsonObject> log = attempts(bad);
            assertEquals(2, log.size());
            assertEquals(200, log.get(1).get("status").getAsInt());
            assertEquals(2, log.get(1).get("attempt").getAsInt());
            assertEquals(2, verified.size());
        }
    }

    @Test
    void tamperingIsRefusedWithItsReason() throws Exception {
        Delivery d = oneOrderPush();
        String auth = d.authorization();
        byte[] body = d.body();
        try (PushReceiver r = new PushReceiver(Sandbox.APP_KEY, Sandbox.APP_SECRET, 16);
                PushReceiver otherApp = new PushReceiver(Sandbox.NON_REFRESHABLE_APP_KEY, Sandbox.APP_SECRET, 16)) {
            byte[] changed = body.clone();
            int i = new String(body, StandardCharsets.UTF_8).indexOf("1000100042") + 3;
            changed[i] = (byte) (changed[i] == '5' ? '6' : '5');
            assertEquals("SignatureMismatch", reason(r, auth, changed));
            assertEquals("SignatureMismatch", reason(otherApp, auth, body));
            assertEquals("MalformedAuthorization", reason(r, auth.substring(0, 40), body));
            assertEquals("MissingAuthorization", reason(r, null, body));
            // What a framework binding the JSON to a map and writing it back sends: other bytes.
            byte[] reserialized = new Gson().toJson(new Gson().fromJson(new String(body, StandardCharsets.UTF_8), Map.class))
                    .getBytes(StandardCharsets.UTF_8);
            assertFalse(Arrays.equals(body, reserialized));
            assertEquals("SignatureMismatch", reason(r, auth, reserialized));
            assertTrue(r.sign(body).equals(auth), "sign gives what the sandbox sent");
            try (PushMessage upper = r.verify(auth.toUpperCase(), body); PushMessage again = r.verify(auth, body)) {
                assertFalse(upper.isDuplicate(), "upper-case hex verifies");
                assertTrue(again.isDuplicate(), "the same message again is a re-delivery");
            }
            byte[] notAPush = "[1,2]".getBytes(StandardCharsets.UTF_8);
            assertEquals("MalformedBody", reason(r, r.sign(notAPush), notAPush));
        }
    }

    @Test
    void expiryAlertEndToEndMakesTheSellerDue() throws Exception {
        // The authorization ends two days before the app's record says (it was granted while the
        // sandbox's clock was two days behind): only the alert can tell the app.
        long offset = -2 * 24 * HOUR;
        sandbox.advanceClock(offset);
        ExecutorService work = Executors.newSingleThreadExecutor();
        BlockingQueue<Future<Long>> applied = new LinkedBlockingQueue<>();
        List<PushMessage> alerts = new CopyOnWriteArrayList<>();
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
                MemoryTokenStore store = new MemoryTokenStore();
                TokenManager tokens = new TokenManager(client, store, "shop-sg");
                PushReceiver push = new PushReceiver(Sandbox.APP_KEY, Sandbox.APP_SECRET);
                Receiver rx = new Receiver((authorization, body) -> {
                    PushMessage m = push.verify(authorization, body);
                    if (m.getType() == PushType.TOKEN_EXPIRY_ALERT && !m.isDuplicate()) {
                        alerts.add(m);
                        applied.add(work.submit(() -> {                      // after answering
                            try (m) {
                                return store.applyPush(m);
                            }
                        }));
                    } else {
                        m.close();
                    }
                    return 200;
                })) {
            tokens.createToken(sandbox.code(Sandbox.APP_KEY));
            String seller = JsonParser.parseString(tokens.loadRecord()).getAsJsonObject().get("seller_id").getAsString();
            sandbox.registerPush(rx.url(), Sandbox.APP_KEY);
            // "Within 48 hours" of the sandbox's clock once it is 47 hours before the authorization ends.
            long finalOffset = offset + REFRESH_TTL_SECS - 47 * HOUR;
            Duration within = Duration.ofSeconds(finalOffset + 48 * HOUR);

            sandbox.advanceClock(REFRESH_TTL_SECS - 49 * HOUR);              // 49 hours before: no alert
            sandbox.flushPush();
            assertTrue(sandbox.pushLog().stream().noneMatch(x -> x.get("message_type").getAsInt() == 8));
            assertEquals("[]", store.listDue(within), "not due before the alert");

            sandbox.advanceClock(2 * HOUR);                                   // 47 hours before
            sandbox.flushPush();
            List<JsonObject> log = sandbox.pushLog().stream().filter(x -> x.get("message_type").getAsInt() == 8).toList();
            assertEquals(1, log.size());
            assertEquals(200, log.get(0).get("status").getAsInt());
            assertEquals(seller, log.get(0).get("seller_id").getAsString());
            assertEquals(1, applied.size());
            assertEquals(1L, applied.take().get(30, TimeUnit.SECONDS), "the seller's record changed");
            PushMessage alert = alerts.get(0);
            long expires = alert.getAuthExpiresAt().toEpochMilli();
            assertEquals(seller, alert.getSellerId());
            assertTrue(Math.abs(expires - (log.get(0).get("at_ms").getAsLong() + 47 * HOUR * 1000)) < 60_000);

            JsonArray due = JsonParser.parseString(store.listDue(within)).getAsJsonArray();
            assertEquals(1, due.size(), "the seller is due at once");
            assertEquals("shop-sg", due.get(0).getAsJsonObject().get("account").getAsString());
            assertEquals(expires, due.get(0).getAsJsonObject().get("reauthorize_by").getAsLong());
            Delivery d = rx.received.get(rx.received.size() - 1);
            try (PushReceiver fresh = new PushReceiver(Sandbox.APP_KEY, Sandbox.APP_SECRET, 0);
                    PushMessage again = fresh.verify(d.authorization(), d.body())) {
                assertEquals(0, store.applyPush(again), "idempotent");
            }
        } finally {
            work.shutdown();
        }
    }

    @Test
    void expiryAlertAppliesToAnApplicationStore() throws Exception {
        CallbackStoreTest.CountingStore store = new CallbackStoreTest.CountingStore();
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
                TokenManager tokens = new TokenManager(client, store, "shop-app");
                PushReceiver push = new PushReceiver(Sandbox.APP_KEY, Sandbox.APP_SECRET, 0)) {
            tokens.createToken(sandbox.code(Sandbox.APP_KEY));
            JsonObject record = JsonParser.parseString(tokens.loadRecord()).getAsJsonObject();
            long ends = record.get("refresh_expires_at_ms").getAsLong() / 1000 - 3 * 24 * HOUR;  // three days earlier
            byte[] body = ("{\"seller_id\":\"null\",\"message_type\":8,\"data\":{\"app_key\":\"" + Sandbox.APP_KEY
                    + "\",\"auth_expiry_time\":" + ends + ",\"seller_id\":\"" + record.get("seller_id").getAsString()
                    + "\"},\"timestamp\":1627416758,\"site\":\"lazada_sg\"}").getBytes(StandardCharsets.UTF_8);
            Duration within = Duration.ofMillis(ends * 1000 - System.currentTimeMillis() + HOUR * 1000);
            try (PushMessage alert = push.verify(push.sign(body), body)) {
                assertEquals("[]", store.listDue(within));
                assertEquals(1, store.applyPush(alert));
                assertEquals(0, store.applyPush(alert), "idempotent");
            }
            JsonArray due = JsonParser.parseString(store.listDue(within)).getAsJsonArray();
            assertEquals("shop-app", due.get(0).getAsJsonObject().get("account").getAsString());
            assertEquals(ends * 1000, due.get(0).getAsJsonObject().get("reauthorize_by").getAsLong());
            assertFalse(store.anyLockHeld());
        }
    }

    @Test
    void unacknowledgedPushIsDeliveredAgainAfter30Minutes() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Boolean> duplicates = new CopyOnWriteArrayList<>();
        try (PushReceiver push = new PushReceiver(Sandbox.APP_KEY, Sandbox.APP_SECRET);
                Receiver rx = new Receiver((authorization, body) -> {
                    try (PushMessage m = push.verify(authorization, body)) {
                        duplicates.add(m.isDuplicate());
                    }
                    return calls.getAndIncrement() == 0 ? 500 : 200;          // fails after verifying, once
                })) {
            sandbox.registerPush(rx.url(), Sandbox.APP_KEY);
            long id = sandbox.pushOrder("1000100007");
            sandbox.flushPush();
            assertEquals(1, attempts(id).size());
            assertEquals(500, attempts(id).get(0).get("status").getAsInt());
            sandbox.advanceClock(29 * 60);
            sandbox.flushPush();
            assertEquals(1, attempts(id).size(), "not before 30 minutes");
            sandbox.advanceClock(60);
            sandbox.flushPush();
            List<JsonObject> all = attempts(id);
            assertEquals(2, all.size());
            assertEquals(200, all.get(1).get("status").getAsInt());
            assertEquals(2, all.get(1).get("attempt").getAsInt());
            assertTrue(all.get(1).get("at_ms").getAsLong() - all.get(0).get("at_ms").getAsLong() >= 30 * 60_000);
            assertArrayEquals(rx.received.get(0).body(), rx.received.get(1).body());
            assertEquals(List.of(false, true), duplicates, "the re-delivery is recognised");
        }
    }

    @Test
    void typesArgumentsAndLifetimes() throws Exception {
        assertEquals(PushType.TOKEN_EXPIRY_ALERT, PushType.of(8));
        assertEquals(35, PushType.PURCHASE_ORDER.value());
        assertNull(PushType.of(99));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PushReceiver("", "s"));
        assertInstanceOf(IopInvalidArgumentException.class, e.getCause());
        assertThrows(IllegalArgumentException.class, () -> new PushReceiver("1", "s", -2));
        byte[] body = "{\"message_type\":99,\"timestamp\":1627416758}".getBytes(StandardCharsets.UTF_8);
        PushReceiver r = new PushReceiver("115527", "s3cr3t", 0);
        PushMessage m = r.verify(r.sign(body), body);
        assertEquals(99, m.getMessageType());
        assertNull(m.getType());
        assertNull(m.getSellerId());
        assertEquals("{}", m.getDataJson());
        try (MemoryTokenStore store = new MemoryTokenStore()) {
            assertEquals(0, store.applyPush(m), "not an alert: nothing changes");
            m.close();
            m.close();
            assertEquals(99, m.getMessageType(), "fields stay readable");
            assertThrows(IllegalStateException.class, () -> store.applyPush(m));
        }
        r.close();
        r.close();
        assertThrows(IllegalStateException.class, () -> r.verify(null, body));
    }
}
