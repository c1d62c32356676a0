package io.iopkit;

import io.iopkit.internal.Native;
import io.iopkit.internal.StoreCallbacks;
import java.time.Duration;

/**
 * A token store kept by the native library ({@link MemoryTokenStore}, {@link FileTokenStore},
 * {@link RedisTokenStore}). Managers use it directly and keep it alive: closing it (or the
 * {@link java.lang.ref.Cleaner}, once it is unreachable) only frees this handle.
 */
public abstract class NativeTokenStore implements AutoCloseable {
    private final NativeHandle handle;

    NativeTokenStore(NativeHandle.Call<Long> create) {
        this.handle = new NativeHandle(this, NativeHandle.create(create), Native::tokenStoreFree);
    }

    /** A native call with a store pointer and the callbacks it was made with (0: none). */
    interface StoreCall<T> {
        T apply(long store, long callbacks) throws IopException;
    }

    /**
     * Runs {@code call} with the native store of {@code store}: its own, or for an application's
     * {@link TokenStore} a callback store made for the call (freed afterwards; the callbacks are
     * freed too unless {@code keepCallbacks}: then the caller owns them).
     */
    static <T> T with(Object store, boolean keepCallbacks, StoreCall<T> call) throws IopException {
        if (store instanceof NativeTokenStore n) {
            return n.handle.call(s -> call.apply(s, 0));
        }
        long callbacks = StoreCallbacks.create((TokenStore) store);
        boolean ok = false;
        try {
            long s = Native.tokenStoreNewCallback(callbacks);
            try {
                T result = call.apply(s, callbacks);
                ok = true;
                return result;
            } finally {
                Native.tokenStoreFree(s);
            }
        } finally {
            if (!ok || !keepCallbacks) {
                StoreCallbacks.free(callbacks);
            }
        }
    }

    static String listDue(Object store, Duration within) throws IopException {
        return with(store, false, (s, c) -> Native.tokenStoreListDue(s, within.toMillis()));
    }

    /** As {@link TokenStore#listDue}. */
    public String listDue(Duration within) throws IopException {
        return listDue(this, within);
    }

    /** As {@link TokenStore#applyPush}. */
    public long applyPush(PushMessage message) throws IopException {
        return with(this, false, (s, c) -> message.handle.call(m -> Native.tokenStoreApplyPush(s, m)));
    }

    /** True once {@link #close()} has been called (or the Cleaner freed the handle). */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Frees this handle (managers made with the store keep using it); idempotent. */
    @Override
    public void close() {
        handle.close();
    }
}
