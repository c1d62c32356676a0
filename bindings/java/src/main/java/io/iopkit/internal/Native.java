package io.iopkit.internal;

import io.iopkit.IopException;

/**
 * The JNI entry points of the native library ({@code libiop_jni}). Internal: not part of the
 * binding's API and may change in any release; use {@link io.iopkit.IopClient} instead.
 *
 * <p>Every method that can fail throws an {@link IopException} subclass built by
 * {@code IopException.fromNative}; a Rust panic arrives as an {@code IopInternalException}.
 * Handles are owned by {@code IopClient}, {@code EnosClient}, the token stores and
 * {@code TokenManager}, which never pass a freed handle.
 */
public final class Native {
    static {
        NativeLoader.load();
    }

    private Native() {}

    /** Makes sure the library is loaded (and its version checked); idempotent. */
    public static void ensureLoaded() {
        // The static initializer does the work.
    }

    /** The version of the Java/native interface (see {@code NativeLoader.INTERFACE_VERSION}). */
    public static native int interfaceVersion();

    /** The core's version, {@code major.minor.patch}. */
    public static native String version();

    /** The names of every error kind of the core. */
    public static native String[] errorKinds();

    /** The core's gateway URLs, flattened as {@code [name0, url0, name1, url1, ...]}. */
    public static native String[] gatewayUrls();

    /** A new client; timeouts of zero or less keep the defaults (15 s / 30 s). */
    public static native long clientNew(String serverUrl, String appKey, String appSecret,
            long connectTimeoutMs, long readTimeoutMs) throws IopException;

    /** Frees a client handle; 0 is ignored. */
    public static native void clientFree(long handle);

    /** Changes settings; values of zero or less, {@code null} and -1 keep the current ones. */
    public static native void clientConfigure(long handle, long connectTimeoutMs, long readTimeoutMs,
            String partnerId, int allowInsecureHttp, long maxResponseBytes) throws IopException;

    /** Trusts the CAs of a PEM bundle instead of the built-in roots; {@code null} restores them. */
    public static native void clientSetCaBundle(long handle, byte[] pem) throws IopException;

    /** How many times a call is re-sent after a connect failure (0 to 10). */
    public static native void clientSetMaxConnectRetries(long handle, int retries) throws IopException;

    /**
     * Signs and sends one request. {@code params} and {@code headers} are flattened key/value
     * pairs, {@code fileNames} flattened (field, file name, MIME type or "") triples matching
     * {@code fileContents};
     * {@code protocol} is 0 (by API name), 1 (GOP) or 2 (TOP).
     */
    public static native io.iopkit.IopResponse execute(long handle, String apiName, String[] params,
            String[] headers, String[] fileNames, byte[][] fileContents, boolean get, String accessToken,
            int protocol) throws IopException;

    /** {@code /auth/token/create}. */
    public static native io.iopkit.Token createToken(long handle, String code) throws IopException;

    /** {@code /auth/token/refresh}. */
    public static native io.iopkit.Token refreshToken(long handle, String refreshToken) throws IopException;

    /** Reads a token response body received at {@code receivedAtMs} (epoch milliseconds). */
    public static native io.iopkit.Token parseToken(String body, long receivedAtMs) throws IopException;

    // ---- EnOS ----------------------------------------------------------------------------------

    /** A new EnOS client; timeouts of zero or less keep the defaults (15 s / 30 s). */
    public static native long enosClientNew(String gatewayUrl, String appKey, String appSecret,
            long connectTimeoutMs, long readTimeoutMs) throws IopException;

    /** Frees an EnOS client handle; 0 is ignored. */
    public static native void enosClientFree(long handle);

    /** Changes the timeouts; values of zero or less keep the current ones. */
    public static native void enosClientConfigure(long handle, long connectTimeoutMs, long readTimeoutMs)
            throws IopException;

    /** {@code /apim-token-service/v2.0/token/get}. */
    public static native io.iopkit.EnosToken enosTokenGet(long handle) throws IopException;

    /** {@code /apim-token-service/v2.0/token/refresh}. */
    public static native io.iopkit.EnosToken enosTokenRefresh(long handle, String accessToken) throws IopException;

    /**
     * The {@code apim-*} headers of a call; {@code body} {@code null} is none; with
     * {@code freshTimestamp} a fresh, never-repeated timestamp replaces {@code timestampMs}.
     */
    public static native io.iopkit.ApimHeaders enosSign(long handle, String accessToken, String pathAndQuery,
            byte[] body, boolean freshTimestamp, long timestampMs) throws IopException;

    /** Signs (fresh timestamp) and sends an EnOS call; {@code body} {@code null} is none. */
    public static native io.iopkit.IopResponse enosCall(long handle, String accessToken, String method,
            String pathAndQuery, byte[] body) throws IopException;

    /** Trusts the CAs of a PEM bundle instead of the built-in roots; {@code null} restores them. */
    public static native void enosClientSetCaBundle(long handle, byte[] pem) throws IopException;

    // ---- token stores ---------------------------------------------------------------------------

    /** A store in this process's memory. */
    public static native long storeMemoryNew() throws IopException;

    /** A store in the JSON file at {@code path} (mode 0600, advisory lock on {@code <path>.lock}). */
    public static native long storeFileNew(String path) throws IopException;

    /**
     * A store in Redis; {@code namespace} {@code null} for {@code "iopkit"}, {@code encryptionKey}
     * {@code null} or 32 bytes, {@code leaseMs} and {@code timeoutMs} 0 for the defaults (30 s,
     * 5 s). Does not connect.
     */
    public static native long storeRedisNew(String url, String namespace, String appKey, byte[] encryptionKey,
            long leaseMs, long timeoutMs) throws IopException;

    /**
     * A store calling the methods of {@code store} (an application's {@code TokenStore}), kept
     * alive by a global reference until the handle and every manager using it are freed.
     */
    public static native long storeCallbackNew(Object store) throws IopException;

    /** Frees a store handle (releasing locks taken with {@link #storeLock}); 0 is ignored. */
    public static native void storeFree(long handle);

    /** The record of {@code account} as JSON, or {@code null}. */
    public static native String storeLoad(long handle, String account) throws IopException;

    /** Stores {@code recordJson} if the stored version is {@code expectedVersion} (0: none). */
    public static native boolean storeCompareAndSwap(long handle, String account, long expectedVersion,
            String recordJson) throws IopException;

    /** Takes the refresh lock of {@code account}; false when it stayed taken for {@code timeoutMs}. */
    public static native boolean storeLock(long handle, String account, long timeoutMs) throws IopException;

    /** Releases a lock taken with {@link #storeLock}. */
    public static native void storeUnlock(long handle, String account) throws IopException;

    /** Every account with a record. */
    public static native String[] storeAccounts(long handle) throws IopException;

    /** The accounts whose re-authorization deadline falls within {@code withinMs}, soonest first. */
    public static native io.iopkit.ReauthorizationDue[] storeDue(long handle, long withinMs) throws IopException;

    // ---- token managers ---------------------------------------------------------------------------

    /** A manager for {@code account} of an IOP client's app; {@code refreshMarginMs} -1 is the default. */
    public static native long managerNew(long client, long store, String account, long refreshMarginMs)
            throws IopException;

    /** A manager for an EnOS client's app token kept under {@code account}. */
    public static native long managerNewEnos(long enosClient, long store, String account, long refreshMarginMs)
            throws IopException;

    /** Frees a manager handle; 0 is ignored. */
    public static native void managerFree(long handle);

    /** An access token valid for more than the refresh margin, refreshing first when needed. */
    public static native String managerAccessToken(long handle) throws IopException;

    /** Exchanges an authorization code and stores the grant. */
    public static native io.iopkit.TokenRecord managerCreateToken(long handle, String code) throws IopException;

    /** Stores a token's fields as the account's grant. */
    public static native io.iopkit.TokenRecord managerStoreGrant(long handle, String accessToken, String refreshToken,
            long expiresAtMs, boolean hasRefreshExpiry, long refreshExpiresAtMs, boolean canRefresh, String sellerId,
            String country) throws IopException;

    /** The stored record, or {@code null}. */
    public static native io.iopkit.TokenRecord managerRecord(long handle) throws IopException;

    // ---- authorization page -----------------------------------------------------------------

    /**
     * The authorization page's URL; {@code platform} 0 Lazada, 1 AliExpress; {@code baseUrl},
     * {@code country} and {@code state} may be {@code null}.
     */
    public static native String authorizeUrl(int platform, String baseUrl, String clientId, String redirectUri,
            String country, String state) throws IopException;

    /** A fresh random {@code state}. */
    public static native String newState() throws IopException;

    /** Constant-time comparison of the {@code state} sent and received. */
    public static native boolean verifyState(String expected, String received) throws IopException;

    /** Panics inside the native library (tests check it arrives as an exception). */
    public static native void debugPanic(String message) throws IopException;
}
