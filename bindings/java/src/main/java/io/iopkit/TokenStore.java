package io.iopkit;

import io.iopkit.internal.Native;
import java.time.Duration;
import java.util.List;

/**
 * An application's own store for {@link TokenManager}s (its database, say): one record per account
 * (a JSON text with a numeric {@code version}: store it as given), written by compare-and-swap,
 * and a refresh lock per account. The built-in stores are {@link MemoryTokenStore},
 * {@link FileTokenStore} and {@link RedisTokenStore}.
 *
 * <p><b>Threads.</b> The methods run on the threads that call the manager, possibly many at once,
 * so an implementation must be thread-safe; {@link #unlock} runs on the thread that called
 * {@link #lock}, and {@link #compareAndSwap} only while the account's lock is held.
 *
 * <p><b>Failures.</b> An exception thrown by a method is caught (it never crosses native frames):
 * the manager's call throws an {@link IopException} whose {@linkplain Throwable#getCause() cause}
 * it is. A failed {@link #unlock} cannot be reported: the lock's own expiry must cover it.
 */
public interface TokenStore {
    /** The record stored for {@code account}, exactly as {@link #compareAndSwap} received it, or {@code null}. */
    String load(String account) throws Exception;

    /**
     * Stores {@code recordJson} durably if the stored version is {@code expectedVersion} (0:
     * nothing stored); its own version is {@code expectedVersion + 1}. False, storing nothing,
     * when the stored version differs. The text holds tokens: keep it as a secret.
     */
    boolean compareAndSwap(String account, long expectedVersion, String recordJson) throws Exception;

    /** Takes the refresh lock of {@code account}, waiting at most {@code timeoutMillis}; false when it stayed taken. */
    boolean lock(String account, long timeoutMillis) throws Exception;

    /** Releases the lock taken by {@link #lock}. */
    void unlock(String account) throws Exception;

    /** Every account with a record, for {@link #listDue}; {@code null} (the default) when the store cannot list them. */
    default List<String> accounts() throws Exception {
        return null;
    }

    /**
     * The accounts whose re-authorization deadline falls within {@code within} from now (passed
     * ones included), soonest first, as the library's JSON array of
     * {@code {"account":…,"reauthorize_by":<epoch ms>}}. Needs {@link #accounts()}.
     */
    default String listDue(Duration within) throws IopException {
        return NativeTokenStore.listDue(this, within);
    }

    /** Applies a verified push message (an expiry alert makes its seller due at once); how many records changed. */
    default long applyPush(PushMessage message) throws IopException {
        return NativeTokenStore.with(this, false, (s, c) -> message.handle.call(m -> Native.tokenStoreApplyPush(s, m)));
    }
}
