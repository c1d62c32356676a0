package io.iopkit;

import java.lang.ref.Cleaner;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;

/**
 * Owns one native pointer for a client object: calls use it under a read lock, and it is freed
 * once, under the write lock, by {@link #close()} or by the {@link Cleaner} when the owner
 * becomes unreachable. So a pointer is never used after (or while) it is freed, and freeing
 * waits for the calls in flight. Package-private.
 */
final class NativeHandle {
    private static final Cleaner CLEANER = Cleaner.create();

    /** A native call made with the live pointer. */
    interface Call<T> {
        T apply(long ptr) throws IopException;
    }

    /** The state the Cleaner frees; it must not refer to the owner. */
    private static final class State implements Runnable {
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private final LongConsumer free;
        private long ptr; // guarded by lock
        private boolean closed; // guarded by lock

        State(long ptr, LongConsumer free) {
            this.ptr = ptr;
            this.free = free;
        }

        @Override
        public void run() {
            lock.writeLock().lock();
            try {
                closed = true;
                long p = ptr;
                ptr = 0;
                if (p != 0) {
                    free.accept(p);
                }
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    private final String ownerName;
    private final State state;
    private final Cleaner.Cleanable cleanable;

    /**
     * Takes ownership of {@code ptr} for {@code owner}; {@code free} releases it (a static native
     * method: it must not capture the owner).
     */
    NativeHandle(Object owner, long ptr, LongConsumer free) {
        this.ownerName = owner.getClass().getSimpleName();
        this.state = new State(ptr, free);
        this.cleanable = CLEANER.register(owner, state);
    }

    /**
     * Runs {@code call} with the live pointer under the read lock.
     *
     * @throws IllegalStateException if the handle is closed
     */
    <T> T call(Call<T> call) throws IopException {
        state.lock.readLock().lock();
        try {
            if (state.closed) {
                throw new IllegalStateException(ownerName + " is closed");
            }
            return call.apply(state.ptr);
        } finally {
            state.lock.readLock().unlock();
        }
    }

    /**
     * As {@link #call(Call)} for settings: a core refusal becomes an
     * {@link IllegalArgumentException} whose cause is the core's exception.
     */
    void configure(Call<?> call) {
        try {
            call(call);
        } catch (IopException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** True once closed (explicitly or by the Cleaner). */
    boolean isClosed() {
        state.lock.readLock().lock();
        try {
            return state.closed;
        } finally {
            state.lock.readLock().unlock();
        }
    }

    /** Frees the pointer after the calls in flight return; idempotent. */
    void close() {
        cleanable.clean();
    }
}
