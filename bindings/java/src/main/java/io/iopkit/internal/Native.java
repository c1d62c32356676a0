package io.iopkit.internal;

import io.iopkit.IopException;

/**
 * The JNI entry points of the native library ({@code libiop_jni}). Internal: not part of the
 * binding's API and may change in any release; use {@link io.iopkit.IopClient} instead.
 *
 * <p>Every method that can fail throws an {@link IopException} subclass built by
 * {@code IopException.fromNative}; a Rust panic arrives as an {@code IopInternalException}.
 * Client handles are owned by {@code IopClient}, which never passes a freed handle.
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

    /** Panics inside the native library (tests check it arrives as an exception). */
    public static native void debugPanic(String message) throws IopException;
}
