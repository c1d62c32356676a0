package io.iopkit;

import java.time.Duration;
import java.util.List;

/**
 * Where a {@link TokenManager} keeps tokens: one record per account (a JSON text with a numeric
 * {@code version}), written by compare-and-swap, and a refresh lock per account.
 *
 * <p>Built in: {@link MemoryTokenStore} (one process), {@link FileTokenStore} (the processes
 * of one host) and {@link RedisTokenStore} (the hosts of a fleet). Implement this interface to keep tokens elsewhere, such as the application's
 * database:
 *
 * <pre>{@code
 * class DbTokenStore implements TokenStore {
 *     public String load(String account) throws SQLException { ... }   // the stored text, or null
 *     public boolean compareAndSwap(String account, long expectedVersion, String recordJson)
 *             throws SQLException {
 *         // UPDATE tokens SET json = ?, version = expectedVersion + 1
 *         //   WHERE account = ? AND version = expectedVersion   (INSERT when expectedVersion is 0)
 *         return updatedRows == 1;
 *     }
 *     public boolean lock(String account, long timeoutMillis) { ... }  // e.g. an advisory lock
 *     public void unlock(String account) { ... }
 *     public List<String> accounts() { ... }                          // optional
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> The library creates no threads: the methods are called on the threads
 * that call the manager's methods, possibly from many threads at once, for the same account or
 * different ones, so an implementation must be thread-safe. {@link #unlock} is called on the
 * thread that called {@link #lock}. {@link #compareAndSwap} is called only while the lock of the
 * account is held.
 *
 * <p><b>Failures.</b> An exception thrown by a method is caught by the library (it never
 * crosses native frames) and the manager's call throws an {@link IopInternalException} naming the
 * method, with the thrown exception as its {@linkplain Throwable#getCause() cause}. A failed
 * {@link #unlock} cannot be reported: the lock's own expiry must cover it, as for a process that
 * dies holding the lock.
 *
 * <p><b>Lifetime.</b> A manager keeps a strong reference to its store (in Java and from native
 * code) until the manager is closed or collected.
 */
public interface TokenStore {
    /**
     * The record stored for {@code account}, exactly as {@link #compareAndSwap} received it, or
     * {@code null} when there is none.
     */
    String load(String account) throws Exception;

    /**
     * Stores {@code recordJson} for {@code account} durably if the version stored now is
     * {@code expectedVersion} (0: nothing stored); the record's own version is
     * {@code expectedVersion + 1}, to keep beside the text. Returns false, storing nothing, when
     * the stored version differs. The text holds the tokens (never the app secret): keep it as
     * a secret.
     */
    boolean compareAndSwap(String account, long expectedVersion, String recordJson) throws Exception;

    /**
     * Takes the refresh lock of {@code account}, shared by every process using the store, waiting
     * at most {@code timeoutMillis}. Returns false when it stayed taken that long.
     */
    boolean lock(String account, long timeoutMillis) throws Exception;

    /** Releases the lock taken by {@link #lock} on this thread. */
    void unlock(String account) throws Exception;

    /**
     * Every account with a record, for {@link #reauthorizationDue}; {@code null} (the default)
     * when the store cannot list them.
     */
    default List<String> accounts() throws Exception {
        return null;
    }

    /**
     * The accounts whose re-authorization deadline (when the refresh token expires, or the
     * access token of a grant that cannot be refreshed) falls within {@code within} from now,
     * passed deadlines and grants already known dead included, soonest first: the sellers to ask
     * to authorize the app again. Needs {@link #accounts()}.
     *
     * @throws IopInvalidArgumentException if {@code within} is negative or the store lists no
     *     accounts
     * @throws IopInternalException if a method of the store throws (the cause)
     */
    default List<ReauthorizationDue> reauthorizationDue(Duration within) throws IopException {
        return NativeTokenStore.due(this, within);
    }
}
