package io.iopkit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the blocking native calls of the {@code *Async} methods on an executor. The future is
 * completed with the call's result or exception (an {@link IopException} as is, not wrapped).
 * {@code cancel(true)} completes the future at once; the native call already running is not
 * interrupted: it ends on its thread (within its timeouts) and frees what it made, its result
 * dropped. A task cancelled before it starts makes no call. Package-private.
 */
final class Async {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();

    /** The shared default executor: daemon threads, made as needed, ended after 60 s idle. */
    static final ExecutorService DEFAULT = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "iopkit-async-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private Async() {}

    /** A blocking call. */
    interface Call<T> {
        T call() throws IopException;
    }

    /**
     * {@code call} on {@code executor} ({@code null}: {@link #DEFAULT}); {@code cleanup} (may be
     * {@code null}) runs once the call has ended, was skipped or was refused by the executor.
     */
    static <T> CompletableFuture<T> run(Executor executor, Call<T> call, Runnable cleanup) {
        CompletableFuture<T> future = new CompletableFuture<>();
        IN_FLIGHT.incrementAndGet();
        Runnable task = () -> {
            try {
                if (!future.isDone()) {
                    future.complete(call.call());
                }
            } catch (Throwable t) {
                future.completeExceptionally(t);
            } finally {
                done(cleanup);
            }
        };
        try {
            (executor == null ? DEFAULT : executor).execute(task);
        } catch (RejectedExecutionException e) {
            done(cleanup);
            future.completeExceptionally(e);
        }
        return future;
    }

    /** As {@link #run(Executor, Call, Runnable)} without cleanup. */
    static <T> CompletableFuture<T> run(Executor executor, Call<T> call) {
        return run(executor, call, null);
    }

    private static void done(Runnable cleanup) {
        try {
            if (cleanup != null) {
                cleanup.run();
            }
        } finally {
            IN_FLIGHT.decrementAndGet();
        }
    }

    /** Calls submitted and not yet ended (cancelled ones included until their native call returns). */
    static int inFlight() {
        return IN_FLIGHT.get();
    }
}
