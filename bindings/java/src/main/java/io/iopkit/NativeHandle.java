package io.iopkit;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Owns one native pointer: each call counts itself in and out of {@code users} (no lock), and the
 * pointer is freed once, after the calls in flight, by {@link #close()} or by the {@link Cleaner}
 * when the owner becomes unreachable. Closing sets the sign bit of {@code users}, so later calls
 * see a negative count and refuse. So a pointer is never used after (or while) it is freed.
 * Package-private.
 */
final class NativeHandle {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int CLOSED = Integer.MIN_VALUE;

    /** A native call made with the live pointer. */
    interface Call<T> {
        T apply(long ptr) throws IopException;
    }

    /** The state the Cleaner frees; it must not refer to the owner. */
    private static final class State implements Runnable {
        private final AtomicInteger users = new AtomicInteger();
        private final LongConsumer free;
        private final long ptr;

        State(long ptr, LongConsumer free) {
            this.ptr = ptr;
            this.free = free;
        }

        /** Run once (by {@link Cleaner.Cleanable#clean()}): refuses new calls, waits for those in flight, frees. */
        @Override
        public void run() {
            users.getAndAdd(CLOSED);
            while (users.get() != CLOSED) {
                LockSupport.parkNanos(200_000);
            }
            free.accept(ptr);
        }
    }

    private final String ownerName;
    private final State state;
    private final Cleaner.Cleanable cleanable;

    /** Takes ownership of {@code ptr} for {@code owner}; {@code free} (not capturing the owner) releases it. */
    NativeHandle(Object owner, long ptr, LongConsumer free) {
        this.ownerName = owner.getClass().getSimpleName();
        this.state = new State(ptr, free);
        this.cleanable = CLEANER.register(owner, state);
    }

    /** Runs {@code call} with the live pointer; {@link IllegalStateException} once closed. */
    <T> T call(Call<T> call) throws IopException {
        AtomicInteger users = state.users;
        try {
            if (users.incrementAndGet() < 0) {
                throw new IllegalStateException(ownerName + " is closed");
            }
            return call.apply(state.ptr);
        } finally {
            users.decrementAndGet();
        }
    }

    /** True once closed (explicitly or by the Cleaner). */
    boolean isClosed() {
        return state.users.get() < 0;
    }

    /** Frees the pointer after the calls in flight return; idempotent. */
    void close() {
        cleanable.clean();
    }

    /** {@code create}'s result, an {@link IopException} becoming an {@link IllegalArgumentException} (its cause). */
    static <T> T create(Call<T> create) {
        try {
            return create.apply(0);
        } catch (IopException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
