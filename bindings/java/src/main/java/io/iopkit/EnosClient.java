package io.iopkit;

import io.iopkit.internal.Native;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * A client for one EnOS API gateway and app, backed by the Rust core: the API-management token
 * service (get and refresh, with the {@code encryption} computed for you) and calls signed with
 * the {@code apim-*} headers.
 *
 * <pre>{@code
 * try (EnosClient enos = new EnosClient("https://apigw.example.com", appKey, appSecret)) {
 *     EnosToken token = enos.getToken();                   // the same token while it is valid
 *     IopResponse r = enos.call("GET", "/connect-service/v2.1/devices?action=get&orgId=o1", null,
 *             token.getAccessToken());
 *     if (!r.isSuccess()) {                                 // code other than 0
 *         System.err.println(r.getCode() + " " + r.getMessage() + " " + r.getRequestId());
 *     }
 *     token = enos.refreshToken(token.getAccessToken());  // before it expires (2 h by default)
 * } catch (IopTokenExpiredException e) {                  // code "1203": get a new one instead
 *     ...
 * } catch (IopPlatformException e) {                      // "1002" unknown appKey, "1003" bad secret, …
 *     log(e.getCode(), e.getMessage());
 * }
 * }</pre>
 *
 * <p><b>Errors.</b> A status other than 0 from the token service throws
 * {@link IopPlatformException} with the status as its {@link IopPlatformException#getCode() code}
 * ({@code "1002"} unknown appKey, {@code "1003"} invalid encryption, {@code "1204"} refresh
 * failed, …), or {@link IopTokenExpiredException} (a subclass, code {@code "1203"}) for an expired
 * token. {@link #call} returns any JSON answer as an {@link IopResponse} (check
 * {@link IopResponse#isSuccess()}); transport failures throw as for {@link IopClient}.
 *
 * <p><b>Threads and lifetime.</b> As {@link IopClient}: usable by any number of threads at once;
 * {@link #close()} waits for calls in flight and is idempotent; later calls throw
 * {@link IllegalStateException}; an unclosed client is freed by a {@link Cleaner} once
 * unreachable.
 */
public final class EnosClient implements AutoCloseable {
    private final String gatewayUrl;
    private final String appKey;
    private final NativeHandle handle;

    /**
     * A client for {@code gatewayUrl} ({@code https://{apigw-address}}) with the default timeouts
     * (connect 15 s, read 30 s).
     *
     * @throws IllegalArgumentException if the URL is not {@code https://} (or {@code http://} for
     *     loopback), or the key or secret is empty (the cause is the core's
     *     {@link IopInvalidArgumentException})
     * @throws NullPointerException if an argument is {@code null}
     */
    public EnosClient(String gatewayUrl, String appKey, String appSecret) {
        this(gatewayUrl, appKey, appSecret, IopClient.DEFAULT_CONNECT_TIMEOUT, IopClient.DEFAULT_READ_TIMEOUT);
    }

    /**
     * A client with explicit timeouts, in milliseconds (the read timeout bounds each phase).
     *
     * @throws IllegalArgumentException as {@link #EnosClient(String, String, String)}, or if a
     *     timeout is not positive
     */
    public EnosClient(String gatewayUrl, String appKey, String appSecret, int connectTimeout, int readTimeout) {
        Objects.requireNonNull(gatewayUrl, "gatewayUrl");
        Objects.requireNonNull(appKey, "appKey");
        Objects.requireNonNull(appSecret, "appSecret");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        long ptr;
        try {
            ptr = Native.enosClientNew(gatewayUrl, appKey, appSecret, connectTimeout, readTimeout);
        } catch (IopException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.gatewayUrl = gatewayUrl;
        this.appKey = appKey;
        this.handle = new NativeHandle(this, ptr, Native::enosClientFree);
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be greater than zero, not " + value);
        }
    }

    /** The gateway URL as given. */
    public String getGatewayUrl() {
        return gatewayUrl;
    }

    /** The app key. */
    public String getAppKey() {
        return appKey;
    }

    /** The native client, for {@link TokenManager#forEnos}. */
    NativeHandle nativeHandle() {
        return handle;
    }

    // ---- token service ------------------------------------------------------------------------

    /**
     * Gets the app's access token ({@code POST /apim-token-service/v2.0/token/get}); the service
     * returns the same token while it is valid. A replay rejection (1001) is retried once with a
     * new timestamp.
     *
     * @throws IopPlatformException for a status other than 0 ({@code "1002"} unknown appKey,
     *     {@code "1003"} invalid encryption: a wrong secret, …)
     * @throws IopException for transport failures ({@link IopConnectException}, …)
     * @throws IllegalStateException if the client is closed
     */
    public EnosToken getToken() throws IopException {
        return handle.call(Native::enosTokenGet);
    }

    /**
     * Refreshes {@code accessToken} ({@code POST /apim-token-service/v2.0/token/refresh}): the
     * answer is the token to use from now on, with a full lifetime.
     *
     * @throws IopTokenExpiredException if {@code accessToken} has expired (code {@code "1203"}):
     *     call {@link #getToken()} instead
     * @throws IopPlatformException for other statuses ({@code "1204"} refresh failed: an unknown
     *     token, …)
     * @throws IopInvalidArgumentException if {@code accessToken} is empty
     * @throws IopException for transport failures
     */
    public EnosToken refreshToken(String accessToken) throws IopException {
        Objects.requireNonNull(accessToken, "accessToken");
        return handle.call(ptr -> Native.enosTokenRefresh(ptr, accessToken));
    }

    // ---- signed calls -------------------------------------------------------------------------

    /**
     * The {@code apim-*} headers for a call to {@code pathAndQuery} (a path with its query, or a
     * full URL: the query parameters are signed) with {@code body}, the exact bytes to send
     * ({@code null} or empty for none), at {@code timestamp} ({@code null}: a fresh timestamp that
     * never repeats within the process).
     *
     * @throws IopInvalidArgumentException if {@code accessToken} is empty or {@code timestamp} is
     *     not after the epoch
     */
    public ApimHeaders sign(String accessToken, String pathAndQuery, byte[] body, Instant timestamp)
            throws IopException {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        boolean fresh = timestamp == null;
        long ms = fresh ? 0 : timestamp.toEpochMilli();
        return handle.call(ptr -> Native.enosSign(ptr, accessToken, pathAndQuery, body, fresh, ms));
    }

    /**
     * As {@link #sign(String, String, byte[], Instant)} with {@code body} sent as UTF-8
     * ({@code null}: none).
     */
    public ApimHeaders sign(String accessToken, String pathAndQuery, String body, Instant timestamp)
            throws IopException {
        return sign(accessToken, pathAndQuery, body == null ? null : body.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    /** As {@link #sign(String, String, byte[], Instant)} for a call without a body, at a fresh timestamp. */
    public ApimHeaders sign(String accessToken, String pathAndQuery) throws IopException {
        return sign(accessToken, pathAndQuery, (byte[]) null, null);
    }

    /**
     * Signs (fresh timestamp) and sends a call: {@code method} ({@code GET}, {@code POST},
     * {@code PUT}, {@code PATCH}, {@code DELETE}) to {@code pathAndQuery} on the gateway, with
     * {@code body} (JSON text, sent as UTF-8 byte for byte; {@code null} for none, as GET and
     * DELETE need) and {@code accessToken} in the {@code apim-*} headers.
     *
     * @return the JSON answer, whatever its {@code code}: {@link IopResponse#isSuccess()} is true
     *     for {@code code} 0; an HTTP 401 with {@code code} 1003 (bad signature), 1203 (expired
     *     token) or 1202 (missing headers) is a response too
     * @throws IopInvalidArgumentException if an argument is empty or malformed (a path not
     *     starting with {@code /}, …)
     * @throws IopException for transport failures and bodies that are not JSON objects
     */
    public IopResponse call(String method, String pathAndQuery, String body, String accessToken) throws IopException {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        Objects.requireNonNull(accessToken, "accessToken");
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        return handle.call(ptr -> Native.enosCall(ptr, accessToken, method, pathAndQuery, bytes));
    }

    // ---- settings -----------------------------------------------------------------------------

    /** Sets the connect timeout in milliseconds (calls already running keep theirs). */
    public void setConnectTimeout(int connectTimeout) {
        requirePositive(connectTimeout, "connectTimeout");
        handle.configure(ptr -> {
            Native.enosClientConfigure(ptr, connectTimeout, 0);
            return null;
        });
    }

    /** Sets the read timeout in milliseconds (calls already running keep theirs). */
    public void setReadTimeout(int readTimeout) {
        requirePositive(readTimeout, "readTimeout");
        handle.configure(ptr -> {
            Native.enosClientConfigure(ptr, 0, readTimeout);
            return null;
        });
    }

    /**
     * Trusts the CA certificates of the PEM file at {@code pemFile} (read now) instead of the
     * built-in roots, for a private gateway whose certificate a private CA issued. Verification is
     * never turned off.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds no valid PEM
     *     certificate
     * @throws NullPointerException if {@code pemFile} is {@code null}
     */
    public void setCaBundleFile(Path pemFile) {
        setCaBundlePem(PemFile.read(pemFile));
    }

    /**
     * As {@link #setCaBundleFile(Path)} with the PEM text itself; {@code null} restores the built-in
     * roots.
     *
     * @throws IllegalArgumentException if the text holds no valid PEM certificate
     */
    public void setCaBundle(String pem) {
        setCaBundlePem(pem == null ? null : pem.getBytes(StandardCharsets.UTF_8));
    }

    private void setCaBundlePem(byte[] pem) {
        handle.configure(ptr -> {
            Native.enosClientSetCaBundle(ptr, pem);
            return null;
        });
    }

    // ---- lifetime -----------------------------------------------------------------------------

    /** True once {@link #close()} has been called. */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /**
     * Frees the native client after the calls in flight return. Idempotent; later calls throw
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return "EnosClient{gatewayUrl=" + gatewayUrl + ", appKey=" + appKey + "}";
    }
}
