package io.iopkit;

import io.iopkit.internal.Native;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A token store implemented by the native library ({@link MemoryTokenStore},
 * {@link FileTokenStore}, {@link RedisTokenStore}): its {@link TokenStore} methods call the native store, and managers
 * use it directly. Package-private base class.
 *
 * <p>Closing it (or the {@link Cleaner}, once it is unreachable) frees the handle and releases
 * the locks taken through {@link #lock}; managers created with it keep using the store.
 */
abstract class NativeTokenStore implements TokenStore, AutoCloseable {
    private final NativeHandle handle;

    /** Makes a native store. */
    interface Create {
        long create() throws IopException;
    }

    /** Takes ownership of the store handle {@code create} makes. */
    NativeTokenStore(Create create) {
        long ptr;
        try {
            ptr = create.create();
        } catch (IopException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.handle = new NativeHandle(this, ptr, Native::storeFree);
    }

    /**
     * Runs {@code call} with the native store of {@code store}: the store's own for a native
     * store, or for an application's store a callback store wrapping it, freed afterwards (a
     * manager made in {@code call} keeps its own reference to it).
     */
    static <T> T withNative(TokenStore store, NativeHandle.Call<T> call) throws IopException {
        Objects.requireNonNull(store, "store");
        if (store instanceof NativeTokenStore n) {
            return n.handle.call(call);
        }
        long ptr = Native.storeCallbackNew(store);
        try {
            return call.apply(ptr);
        } finally {
            Native.storeFree(ptr);
        }
    }

    /** {@link TokenStore#reauthorizationDue} for any store. */
    static List<ReauthorizationDue> due(TokenStore store, Duration within) throws IopException {
        long ms = millis(Objects.requireNonNull(within, "within"));
        return Collections.unmodifiableList(Arrays.asList(withNative(store, ptr -> Native.storeDue(ptr, ms))));
    }

    /** {@code d} in milliseconds, saturated at {@code Long.MAX_VALUE} (negative stays negative). */
    static long millis(Duration d) {
        return d.compareTo(Duration.ofMillis(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE
                : d.compareTo(Duration.ofMillis(Long.MIN_VALUE)) < 0 ? Long.MIN_VALUE : d.toMillis();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the store is closed
     */
    @Override
    public String load(String account) throws IopException {
        Objects.requireNonNull(account, "account");
        return handle.call(ptr -> Native.storeLoad(ptr, account));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IopInvalidArgumentException if {@code recordJson} is not a record's JSON text or
     *     {@code expectedVersion} is negative
     */
    @Override
    public boolean compareAndSwap(String account, long expectedVersion, String recordJson) throws IopException {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(recordJson, "recordJson");
        return handle.call(ptr -> Native.storeCompareAndSwap(ptr, account, expectedVersion, recordJson));
    }

    /**
     * {@inheritDoc} The lock is held until {@link #unlock} (from any thread) or until the store
     * is closed.
     *
     * @throws IopInvalidArgumentException if {@code timeoutMillis} is negative
     */
    @Override
    public boolean lock(String account, long timeoutMillis) throws IopException {
        Objects.requireNonNull(account, "account");
        return handle.call(ptr -> Native.storeLock(ptr, account, timeoutMillis));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IopInvalidArgumentException if no lock of {@code account} was taken through this
     *     store
     */
    @Override
    public void unlock(String account) throws IopException {
        Objects.requireNonNull(account, "account");
        handle.call(ptr -> {
            Native.storeUnlock(ptr, account);
            return null;
        });
    }

    /** Every account with a record, sorted. */
    @Override
    public List<String> accounts() throws IopException {
        return Collections.unmodifiableList(Arrays.asList(handle.call(Native::storeAccounts)));
    }

    /** True once {@link #close()} has been called (or the Cleaner freed the store). */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /**
     * Frees the native store handle after the calls in flight return, releasing the locks taken
     * through {@link #lock}; managers created with this store keep using it. Idempotent; later
     * calls of this object throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        handle.close();
    }
}
