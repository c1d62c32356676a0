package io.iopkit.internal;

import io.iopkit.TokenStore;

/**
 * An application's {@link TokenStore} as a native {@code IopTokenStoreCallbacks} (for
 * {@link Native#tokenStoreNewCallback}), holding a global reference to it. Internal.
 */
public final class StoreCallbacks {
    static {
        Native.ensureLoaded();
    }

    private StoreCallbacks() {}

    /** The callbacks calling {@code store}; free them after every store and manager made with them. */
    public static native long create(TokenStore store);

    /** Releases callbacks from {@link #create}; 0 is ignored. */
    public static native void free(long callbacks);
}
