package io.iopkit;

import io.iopkit.internal.Json;
import io.iopkit.internal.Native;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Client-side rate limits shared by every client it is attached to ({@link IopClient#setRateLimiter},
 * {@link EnosClient#setRateLimiter}): token-bucket budgets per app, per API or per seller, and the
 * bans the platform announces (throttling answers, the daily quota). A call that would exceed a
 * budget waits up to {@link #setMaxWait the max wait}, else throws {@link IopRateLimitedException}
 * (nothing sent; {@link IopException#getRetryAfter()} says when to try again); a used-up daily
 * quota throws {@link IopQuotaExceededException} until it resets.
 *
 * <p>Budgets and bans live in the store it is made from: a {@link MemoryTokenStore} limits this
 * process, a {@link RedisTokenStore} every host on that Redis and key prefix. Thread-safe;
 * {@link #close()} frees this handle (clients it is attached to keep the limiter).
 *
 * <pre>{@code
 * try (RateLimiter limits = new RateLimiter(redisStore)) {
 *     limits.setBudget(RateLimiter.Scope.APP, null, 50.0);   // 50 calls a second per app key
 *     client.setRateLimiter(limits);
 * }
 * }</pre>
 */
public final class RateLimiter implements AutoCloseable {
    /** What a budget counts. */
    public enum Scope {
        /** Every call of an app key (name {@code null}). */
        APP(Native.IOP_LIMIT_APP),
        /** Calls of one API ({@code "/order/get"}), or of each API apart (name {@code null}). */
        API(Native.IOP_LIMIT_API),
        /** Calls with one access token, each seller apart (name {@code null}). */
        SELLER(Native.IOP_LIMIT_SELLER);

        private final int value;

        Scope(int value) {
            this.value = value;
        }

        /** The C value ({@code IOP_LIMIT_*}). */
        public int value() {
            return value;
        }
    }

    /**
     * A budget of {@link #status}: {@code scope} ({@code "app"}, {@code "api"}, {@code "seller"}),
     * {@code name} ({@code null}: all), its rate and burst, and the calls available now.
     */
    public record Budget(String scope, String name, double ratePerSecond, long burst, double available) {}

    /** A ban learned from the platform: its scope and name, when it ends, and the platform code. */
    public record Ban(String scope, String name, java.time.Instant until, String code) {}

    /** The limiter's state for one app key: its budgets, the bans in force, and the library's JSON. */
    public record Status(List<Budget> budgets, List<Ban> bans, String json) {}

    final NativeHandle handle;

    /**
     * A limiter keeping its budgets and bans in {@code store} (a {@link MemoryTokenStore} or a
     * {@link RedisTokenStore}).
     *
     * @throws IllegalArgumentException for another store (the cause is the {@link IopInvalidArgumentException})
     */
    public RateLimiter(NativeTokenStore store) {
        this.handle = new NativeHandle(this,
                NativeHandle.create(p -> NativeTokenStore.with(store, false, (s, c) -> Native.rateLimiterNew(s))),
                Native::rateLimiterFree);
    }

    /**
     * Sets the budget of {@code scope} and {@code name}: {@code ratePerSecond} calls a second
     * (0 removes the budget) with bursts of up to {@code burst} (at least 1; -1: the rate rounded up).
     * {@code name} is {@code null} for {@link Scope#APP} and {@link Scope#SELLER}.
     *
     * @throws IllegalArgumentException if the library refuses a value (the cause is the {@link IopInvalidArgumentException})
     */
    public void setBudget(Scope scope, String name, double ratePerSecond, int burst) {
        call(l -> {
            Native.rateLimiterSetBudget(l, scope.value(), name, ratePerSecond, burst);
            return null;
        });
    }

    /** As {@link #setBudget(Scope, String, double, int)} with the default burst (the rate rounded up). */
    public void setBudget(Scope scope, String name, double ratePerSecond) {
        setBudget(scope, name, ratePerSecond, Native.IOP_USE_DEFAULT);
    }

    /**
     * How long a call may wait for its budget or a ban to end before it throws
     * {@link IopRateLimitedException}: {@link Duration#ZERO} fails at once; {@code null} restores
     * the default ({@link Native#IOP_DEFAULT_RATE_LIMIT_MAX_WAIT_MS}).
     */
    public void setMaxWait(Duration maxWait) {
        long ms = maxWait == null ? Native.IOP_USE_DEFAULT : maxWait.toMillis();
        call(l -> {
            Native.rateLimiterSetMaxWaitMs(l, ms);
            return null;
        });
    }

    /** The budgets and bans of {@code appKey} now. */
    public Status status(String appKey) throws IopException {
        String json = handle.call(l -> Native.rateLimiterStatusJson(l, appKey));
        Map<String, Object> root = Json.parseObject(json);
        List<Budget> budgets = new ArrayList<>();
        for (Object o : list(root.get("budgets"))) {
            Map<?, ?> b = (Map<?, ?>) o;
            budgets.add(new Budget((String) b.get("scope"), (String) b.get("name"), number(b.get("rate_per_second")),
                    ((Number) b.get("burst")).longValue(), number(b.get("available"))));
        }
        List<Ban> bans = new ArrayList<>();
        for (Object o : list(root.get("bans"))) {
            Map<?, ?> b = (Map<?, ?>) o;
            bans.add(new Ban((String) b.get("scope"), (String) b.get("name"),
                    java.time.Instant.ofEpochMilli(((Number) b.get("until_ms")).longValue()), (String) b.get("code")));
        }
        return new Status(Collections.unmodifiableList(budgets), Collections.unmodifiableList(bans), json);
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }

    private static double number(Object value) {
        return value == null ? 0 : ((Number) value).doubleValue();
    }

    private void call(NativeHandle.Call<Void> set) {
        try {
            handle.call(set);
        } catch (IopException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** True once {@link #close()} has been called (or the Cleaner freed the limiter). */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Frees this handle; clients it was attached to keep using the limiter. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }
}
