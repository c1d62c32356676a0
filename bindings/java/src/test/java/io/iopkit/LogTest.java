package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iopkit.internal.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The library's events reach the {@code io.iopkit} System.Logger (java.util.logging here). */
class LogTest extends SandboxTest {
    private static final Logger JUL = Logger.getLogger(IopLogging.LOGGER_NAME);
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Level savedLevel;
    private boolean savedParents;

    @BeforeEach
    void captureRecords() {
        savedLevel = JUL.getLevel();
        savedParents = JUL.getUseParentHandlers();
        JUL.addHandler(capture);
        JUL.setUseParentHandlers(false);
        capture.setLevel(Level.ALL);
    }

    @AfterEach
    void restore() {
        JUL.removeHandler(capture);
        JUL.setLevel(savedLevel);
        JUL.setUseParentHandlers(savedParents);
        IopLogging.refreshLevel();
    }

    /** The events captured, by name. */
    private List<LogEvent> events(String name) {
        List<LogEvent> out = new ArrayList<>();
        for (LogRecord r : records) {
            LogEvent e = (LogEvent) r.getParameters()[0];
            if (e.name().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Adds every string under a key naming a token (the record's access and refresh tokens). */
    private static void tokenValues(Object json, List<String> out) {
        if (json instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getValue() instanceof String s && e.getKey().toString().contains("token") && s.length() > 8) {
                    out.add(s);
                } else {
                    tokenValues(e.getValue(), out);
                }
            }
        } else if (json instanceof List<?> list) {
            list.forEach(item -> tokenValues(item, out));
        }
    }

    @Test
    void createRefreshCallAndFailingCallAreLoggedWithoutSecrets() throws Exception {
        JUL.setLevel(Level.ALL);
        assertEquals(System.Logger.Level.TRACE, IopLogging.refreshLevel());
        String code = sandbox.code(Sandbox.APP_KEY);
        List<String> secrets = new ArrayList<>(List.of(Sandbox.APP_SECRET, code));
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET);
                MemoryTokenStore store = new MemoryTokenStore();
                // A margin longer than the sandbox's 7-day tokens: every getAccessToken refreshes.
                TokenManager tokens = new TokenManager(client, store, "seller-1", Duration.ofDays(8))) {
            tokens.createToken(code);
            tokenValues(Json.parse(tokens.loadRecord()), secrets);
            String access = tokens.getAccessToken();
            secrets.add(access);
            IopResponse ok = client.execute(new IopRequest("/seller/get"), access);
            assertTrue(ok.isSuccess(), ok.getBody());
            IopResponse denied = client.execute(new IopRequest("/seller/get"), "not-a-valid-token");
            assertFalse(denied.isSuccess());
            tokenValues(Json.parse(tokens.loadRecord()), secrets);
        }

        LogEvent create = events("token.create").get(0);
        assertEquals(System.Logger.Level.INFO, create.level());
        assertEquals("seller-1", create.fields().get("account"));
        LogEvent refresh = events("token.refresh").get(0);
        assertEquals("seller-1", refresh.fields().get("account"));
        assertEquals("iop", refresh.fields().get("kind"));
        assertInstanceOf(Long.class, refresh.fields().get("duration_ms"));

        List<LogEvent> starts = events("call.start");
        assertTrue(starts.stream().allMatch(e -> e.level() == System.Logger.Level.DEBUG));
        Map<String, Object> start = starts.get(starts.size() - 1).fields();
        assertEquals("/seller/get", start.get("api"));
        assertEquals("POST", start.get("method"));
        assertEquals("GOP", start.get("protocol"));
        assertEquals(1L, start.get("attempt"));
        assertEquals("127.0.0.1", String.valueOf(start.get("host")).replaceAll(":\\d+$", ""));

        List<LogEvent> ends = events("call.end");
        LogEvent good = ends.get(ends.size() - 2);
        assertEquals(System.Logger.Level.INFO, good.level());
        assertEquals("ok", good.fields().get("outcome"));
        assertEquals(200L, good.fields().get("http_status"));
        assertInstanceOf(Long.class, good.fields().get("duration_ms"));
        LogEvent bad = ends.get(ends.size() - 1);
        assertEquals(System.Logger.Level.WARNING, bad.level());
        assertEquals("platform_error", bad.fields().get("outcome"));
        assertEquals("IllegalAccessToken", bad.fields().get("code"));
        assertTrue(ends.stream().anyMatch(e -> "/auth/token/create".equals(e.fields().get("api"))));
        assertTrue(ends.stream().anyMatch(e -> "/auth/token/refresh".equals(e.fields().get("api"))));

        // The record's level and text.
        LogRecord last = records.get(records.size() - 1);
        assertEquals(Level.WARNING, last.getLevel());
        assertEquals(IopLogging.LOGGER_NAME, last.getLoggerName());
        assertTrue(last.getParameters()[0].toString().startsWith("call.end: "));

        // No secret, token, code or signature in any record.
        Pattern sign = Pattern.compile("[0-9A-F]{64}");
        assertTrue(records.size() >= 8, "records: " + records.size());
        for (LogRecord r : records) {
            String text = r.getParameters()[0].toString();
            for (String secret : secrets) {
                assertFalse(text.contains(secret), "a secret in " + text);
            }
            assertFalse(sign.matcher(text).find(), "a signature in " + text);
            assertFalse(text.contains("access_token=") || text.contains("sign="), text);
        }
    }

    @Test
    void theLibraryLevelFollowsTheLogger() throws Exception {
        JUL.setLevel(Level.WARNING);
        assertEquals(System.Logger.Level.WARNING, IopLogging.refreshLevel());
        assertEquals(System.Logger.Level.WARNING, IopLogging.getLevel());
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            String token = client.createToken(sandbox.code(Sandbox.APP_KEY)).getAccessToken();
            assertTrue(client.execute(new IopRequest("/seller/get"), token).isSuccess());
            assertEquals(0, records.size(), "successful calls log at INFO and DEBUG only");
            assertFalse(client.execute(new IopRequest("/seller/get"), "bad").isSuccess());
            assertEquals(1, records.size());
            assertEquals("call.end", ((LogEvent) records.get(0).getParameters()[0]).name());

            IopLogging.setLevel(System.Logger.Level.OFF);
            assertFalse(client.execute(new IopRequest("/seller/get"), "bad").isSuccess());
            assertEquals(1, records.size());
        }
    }

    @Test
    void batchWorkersAttachAndAThrowingHandlerBreaksNothing() throws Exception {
        JUL.setLevel(Level.INFO);
        IopLogging.refreshLevel();
        Handler throwing = new Handler() {
            @Override
            public void publish(LogRecord record) {
                throw new IllegalStateException("a broken handler");
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        JUL.addHandler(throwing);
        try (IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            String token = client.createToken(sandbox.code(Sandbox.APP_KEY)).getAccessToken();
            records.clear();
            List<IopRequest> requests = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                requests.add(new IopRequest("/seller/get"));
            }
            List<BatchResult> results = client.executeBatch(requests, token, 4);
            assertTrue(results.stream().allMatch(r -> r.hasResponse() && r.getResponse().isSuccess()));
        } finally {
            JUL.removeHandler(throwing);
        }
        assertEquals(8, records.size());
        long me = Thread.currentThread().getId();
        assertTrue(records.stream().anyMatch(r -> r.getLongThreadID() != me), "made on the batch's native threads");
    }
}
