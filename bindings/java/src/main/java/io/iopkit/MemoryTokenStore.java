package io.iopkit;

import io.iopkit.internal.Native;

/**
 * A {@link TokenStore} in this process's memory: for one process, and for tests. Lost when the
 * process ends (its sellers then have to authorize again), so production services that restart
 * use a {@link FileTokenStore} or their own store. Thread-safe; {@link #close()} frees it early
 * (managers using it keep it alive).
 */
public final class MemoryTokenStore extends NativeTokenStore {
    /** An empty store. */
    public MemoryTokenStore() {
        super(Native::storeMemoryNew);
    }

    @Override
    public String toString() {
        return "MemoryTokenStore";
    }
}
