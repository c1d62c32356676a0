package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Client-side rate limits: budgets (fail fast or wait), bans learned from the platform, status. */
class RateLimiterTest extends SandboxTest {
    @Test
    void aFailFastBudgetThrowsRateLimitedWithRetryAfter() throws Exception {
        try (MemoryTokenStore store = new MemoryTokenStore();
                RateLimiter limiter = new RateLimiter(store);
                IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            limiter.setBudget(RateLimiter.Scope.APP, null, 0.5, 1);
            limiter.setMaxWait(Duration.ZERO);
            client.setRateLimiter(limiter);
            long before = sandbox.routeHits("/seller/get");
            assertTrue(client.execute(new IopRequest("/seller/get"), "tok").getHttpStatus() > 0);
            IopRateLimitedException e = assertThrows(IopRateLimitedException.class,
                    () -> client.execute(new IopRequest("/seller/get"), "tok"));
            assertEquals(IopStatus.RATE_LIMITED, e.getStatus());
            assertEquals("RateLimited", e.getCode());
            assertNotNull(e.getRetryAfter());
            assertTrue(e.getRetryAfter().compareTo(Duration.ZERO) > 0, e.getRetryAfter().toString());
            assertTrue(e.getRetryAfter().compareTo(Duration.ofSeconds(2)) <= 0, e.getRetryAfter().toString());
            assertEquals(before + 1, sandbox.routeHits("/seller/get"), "the refused call was not sent");

            RateLimiter.Status status = limiter.status(Sandbox.APP_KEY);
            assertEquals(1, status.budgets().size(), status.json());
            RateLimiter.Budget budget = status.budgets().get(0);
            assertEquals("app", budget.scope());
            assertEquals(0.5, budget.ratePerSecond());
            assertEquals(1, budget.burst());
            assertTrue(budget.available() < 1.0, status.json());
            assertTrue(status.bans().isEmpty(), status.json());

            client.setRateLimiter(null); // detached: calls go out again
            assertTrue(client.execute(new IopRequest("/seller/get"), "tok").getHttpStatus() > 0);
        }
    }

    @Test
    void aWaitingBudgetPacesCalls() throws Exception {
        try (MemoryTokenStore store = new MemoryTokenStore();
                RateLimiter limiter = new RateLimiter(store);
                IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            limiter.setBudget(RateLimiter.Scope.API, "/seller/get", 20.0, 1);
            client.setRateLimiter(limiter);
            long t0 = System.nanoTime();
            for (int i = 0; i < 6; i++) {
                assertTrue(client.execute(new IopRequest("/seller/get"), "tok").getHttpStatus() > 0);
            }
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            // 6 calls at 20 a second with a burst of 1: at least 5 intervals of 50 ms.
            assertTrue(elapsedMs >= 240, "6 calls took only " + elapsedMs + " ms");
            RateLimiter.Budget budget = limiter.status(Sandbox.APP_KEY).budgets().get(0);
            assertEquals("api", budget.scope());
            assertEquals("/seller/get", budget.name());
            assertEquals(20.0, budget.ratePerSecond());
            assertTrue(budget.available() < 1.0, "available: " + budget.available());
            // Another API has no budget: not paced.
            assertTrue(client.execute(new IopRequest("/product/get"), "tok").getHttpStatus() > 0);
        }
    }

    @Test
    void aBanLearnedFromThePlatformStopsCallsUntilItEnds() throws Exception {
        try (MemoryTokenStore store = new MemoryTokenStore();
                RateLimiter limiter = new RateLimiter(store);
                IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            limiter.setMaxWait(Duration.ZERO);
            client.setRateLimiter(limiter);
            IopRequest throttled = new IopRequest("/seller/get");
            throttled.addHeaderParameter("X-Sandbox-Fault", "throttle;seconds=20;code=ApiCallLimit");
            IopResponse r = client.execute(throttled, "tok");
            assertEquals("ApiCallLimit", r.getCode()); // the answer that taught the ban is returned
            long before = sandbox.routeHits("/seller/get");
            IopRateLimitedException e = assertThrows(IopRateLimitedException.class,
                    () -> client.execute(new IopRequest("/seller/get"), "tok"));
            assertEquals("ApiCallLimit", e.getCode());
            assertTrue(e.getRetryAfter().compareTo(Duration.ofSeconds(15)) > 0, e.getRetryAfter().toString());
            assertEquals(before, sandbox.routeHits("/seller/get"), "nothing sent during the ban");
            RateLimiter.Status status = limiter.status(Sandbox.APP_KEY);
            assertFalse(status.bans().isEmpty(), status.json());
            assertEquals("ApiCallLimit", status.bans().get(0).code());
            assertTrue(status.bans().get(0).until().isAfter(Instant.now()));
        }
    }

    @Test
    void aUsedUpDailyQuotaThrowsQuotaExceededUntilItResets() throws Exception {
        sandbox.setLimits("{\"daily\":1}");
        try (MemoryTokenStore store = new MemoryTokenStore();
                RateLimiter limiter = new RateLimiter(store);
                IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            client.setRateLimiter(limiter);
            assertTrue(client.execute(new IopRequest("/seller/get"), "tok").getHttpStatus() > 0);
            IopResponse refused = client.execute(new IopRequest("/seller/get"), "tok");
            assertEquals("accesscontrol.limited-by-app-access-count", refused.getSubCode(), refused.getBody());
            long before = sandbox.routeHits("/seller/get");
            IopQuotaExceededException e = assertThrows(IopQuotaExceededException.class,
                    () -> client.execute(new IopRequest("/seller/get"), "tok"));
            assertEquals(IopStatus.QUOTA_EXCEEDED, e.getStatus());
            assertTrue(e.getMessage().contains("+08:00"), e.getMessage());
            assertTrue(e.getRetryAfter().compareTo(Duration.ZERO) > 0, e.getRetryAfter().toString());
            assertTrue(e.getRetryAfter().compareTo(Duration.ofHours(24)) <= 0, e.getRetryAfter().toString());
            assertEquals(before, sandbox.routeHits("/seller/get"), "nothing sent until the reset");
        } finally {
            sandbox.clearLimits();
        }
    }

    @Test
    void invalidSettingsAreRefused() throws Exception {
        try (MemoryTokenStore store = new MemoryTokenStore(); RateLimiter limiter = new RateLimiter(store)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> limiter.setBudget(RateLimiter.Scope.APP, "named", 1.0));
            assertInstanceOf(IopInvalidArgumentException.class, e.getCause());
            assertThrows(IllegalArgumentException.class, () -> limiter.setBudget(RateLimiter.Scope.API, null, -1.0));
            assertThrows(IllegalArgumentException.class, () -> limiter.setBudget(RateLimiter.Scope.API, null, 1.0, 0));
        }
        try (FileTokenStore file = new FileTokenStore(java.nio.file.Files.createTempFile("iopkit", ".json"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RateLimiter(file));
            assertInstanceOf(IopInvalidArgumentException.class, e.getCause());
        }
    }
}
