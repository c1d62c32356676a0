package io.iopkit;

import io.iopkit.internal.Native;

/** A token store in this process's memory (lost when it ends): for one process, and for tests. */
public final class MemoryTokenStore extends NativeTokenStore {
    /** An empty store. */
    public MemoryTokenStore() {
        super(p -> Native.tokenStoreNewMemory());
    }
}
