package io.iopkit;

import io.iopkit.internal.Native;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A client for one IOP gateway and app, backed by the Rust core: one keep-alive connection pool,
 * signing, TLS verification always on, secrets kept out of every message.
 *
 * <pre>{@code
 * try (IopClient client = new IopClient(UrlConstants.API_AUTHORIZATION_URL, appKey, appSecret)) {
 *     Token token = client.createToken(codeFromRedirect);
 *     IopRequest request = new IopRequest("/seller/get");
 *     IopResponse response = client.execute(request, token.getAccessToken());
 *     System.out.println(response.getBody());
 * }
 * }</pre>
 *
 * <p><b>Errors.</b> {@code execute} treats a platform error as the official SDKs do: it returns a
 * response whose {@link IopResponse#isSuccess()} is false. Transport failures and unreadable
 * bodies throw an {@link IopException} subclass ({@link IopTimeoutException},
 * {@link IopConnectException}, …; all are {@link ApiException}s). The token helpers
 * {@link #createToken(String)} and {@link #refreshToken(String)} throw
 * {@link IopPlatformException} for platform errors.
 *
 * <p><b>Threads.</b> One client may be used by any number of threads at once, setters included (a
 * call keeps the settings it started with). {@link #close()} waits for calls in flight, then frees
 * the native client; later calls throw {@link IllegalStateException}. A client that is never
 * closed is freed when it becomes unreachable (a {@link Cleaner} is the safety net).
 */
public class IopClient implements AutoCloseable {
    /** The default connect timeout, in milliseconds (the official SDKs' 15 s). */
    public static final int DEFAULT_CONNECT_TIMEOUT = 15_000;
    /** The default read timeout, in milliseconds (the official SDKs' 30 s). */
    public static final int DEFAULT_READ_TIMEOUT = 30_000;

    private final String serverUrl;
    private final String appKey;
    private final NativeHandle handle;

    /**
     * A client for {@code serverUrl} (ending in {@code /rest}, or a bare host) with the default
     * timeouts.
     *
     * @throws IllegalArgumentException if the URL is not {@code https://} (or {@code http://} for
     *     loopback), or the key or secret is empty
     * @throws NullPointerException if an argument is {@code null}
     */
    public IopClient(String serverUrl, String appKey, String appSecret) {
        this(serverUrl, appKey, appSecret, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    /**
     * A client with explicit timeouts, in milliseconds (the read timeout bounds each phase:
     * sending, waiting for the response head, reading the body).
     *
     * @throws IllegalArgumentException as {@link #IopClient(String, String, String)}, or if a
     *     timeout is not positive
     */
    public IopClient(String serverUrl, String appKey, String appSecret, int connectTimeout, int readTimeout) {
        Objects.requireNonNull(serverUrl, "serverUrl");
        Objects.requireNonNull(appKey, "appKey");
        Objects.requireNonNull(appSecret, "appSecret");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        long ptr;
        try {
            ptr = Native.clientNew(serverUrl, appKey, appSecret, connectTimeout, readTimeout);
        } catch (IopException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.serverUrl = serverUrl;
        this.appKey = appKey;
        this.handle = new NativeHandle(this, ptr, Native::clientFree);
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be greater than zero, not " + value);
        }
    }

    /** The gateway URL as given. */
    public String getServerUrl() {
        return serverUrl;
    }

    /** The app key. */
    public String getAppKey() {
        return appKey;
    }

    /** The native client, for {@link TokenManager}. */
    NativeHandle nativeHandle() {
        return handle;
    }

    // ---- calls --------------------------------------------------------------------------------

    /** Signs and sends {@code request} without a token; the protocol follows the API name. */
    public IopResponse execute(IopRequest request) throws IopException {
        return execute(request, null, 0);
    }

    /** Signs and sends {@code request} with {@code accessToken} ({@code null}: none). */
    public IopResponse execute(IopRequest request, String accessToken) throws IopException {
        return execute(request, accessToken, 0);
    }

    /** Signs and sends {@code request} without a token, with {@code protocol}. */
    public IopResponse execute(IopRequest request, Protocol protocol) throws IopException {
        return execute(request, null, Objects.requireNonNull(protocol, "protocol").nativeValue());
    }

    /**
     * Signs and sends {@code request} with {@code accessToken} ({@code null}: none) and
     * {@code protocol}.
     *
     * @return the response; a platform error is a response whose {@code isSuccess()} is false
     * @throws IopInvalidArgumentException if the request is invalid (no API name, a GOP name that
     *     is not a path, an empty token, files with GET, …)
     * @throws IopException on transport failures and unreadable bodies: {@link IopTimeoutException},
     *     {@link IopConnectException}, {@link IopNetworkException}, {@link IopTlsException},
     *     {@link IopHttpException}, {@link IopMalformedResponseException}
     * @throws IllegalStateException if the client is closed
     */
    public IopResponse execute(IopRequest request, String accessToken, Protocol protocol) throws IopException {
        return execute(request, accessToken, Objects.requireNonNull(protocol, "protocol").nativeValue());
    }

    private IopResponse execute(IopRequest request, String accessToken, int protocol) throws IopException {
        Objects.requireNonNull(request, "request");
        String apiName = request.getApiName();
        if (apiName == null) {
            throw new IopInvalidArgumentException("invalid argument `request`: has no API name (call setApiName)");
        }
        String[] params = request.flatParams();
        String[] headers = request.flatHeaders();
        Map<String, FileItem> files = request.files();
        String[] fileNames = new String[files.size() * 3];
        byte[][] contents = new byte[files.size()][];
        int i = 0;
        for (Map.Entry<String, FileItem> f : files.entrySet()) {
            String mimeType = f.getValue().getMimeType();
            fileNames[3 * i] = f.getKey();
            fileNames[3 * i + 1] = f.getValue().getFileName();
            fileNames[3 * i + 2] = mimeType == null ? "" : mimeType;
            try {
                contents[i] = f.getValue().contentForSending();
            } catch (IOException e) {
                IopInvalidArgumentException ex = new IopInvalidArgumentException(
                        "invalid argument `file`: cannot read " + f.getValue().getFileName() + ": " + e.getMessage());
                ex.initCause(e);
                throw ex;
            }
            i++;
        }
        boolean get = request.getHttpMethod().equals("GET");
        return handle.call(ptr -> Native.execute(ptr, apiName, params, headers, fileNames, contents, get, accessToken,
                protocol));
    }

    /**
     * Exchanges a one-time authorization {@code code} for a token ({@code /auth/token/create},
     * GOP). Use a client on the authorization gateway ({@link UrlConstants#API_AUTHORIZATION_URL},
     * {@link UrlConstants#API_AUTHORIZATION_URL_TW}, {@link UrlConstants#API_GATEWAY_URL_AE}).
     *
     * @throws IopPlatformException for a platform error ({@code InvalidCode}: expired, used, or
     *     from another app), with its code, type, request id and HTTP status
     * @throws IopInvalidArgumentException if {@code code} is empty
     * @throws IopException for transport failures, as {@code execute}
     */
    public Token createToken(String code) throws IopException {
        Objects.requireNonNull(code, "code");
        return handle.call(ptr -> Native.createToken(ptr, code));
    }

    /**
     * Refreshes a token ({@code /auth/token/refresh}, GOP). The returned refresh token replaces the
     * old one, which the platform treats as dead from now on: store the new one.
     *
     * @throws IopPlatformException for a platform error ({@code IllegalRefreshToken},
     *     {@code AUTH_TYPE_UNSUPPORTED}, …)
     * @throws IopInvalidArgumentException if {@code refreshToken} is empty
     * @throws IopException for transport failures, as {@code execute}
     */
    public Token refreshToken(String refreshToken) throws IopException {
        Objects.requireNonNull(refreshToken, "refreshToken");
        return handle.call(ptr -> Native.refreshToken(ptr, refreshToken));
    }

    // ---- settings -----------------------------------------------------------------------------

    /** Sets the connect timeout in milliseconds (calls already running keep theirs). */
    public void setConnectTimeout(int connectTimeout) {
        requirePositive(connectTimeout, "connectTimeout");
        configure(connectTimeout, 0, null, -1, 0);
    }

    /** Sets the read timeout in milliseconds (calls already running keep theirs). */
    public void setReadTimeout(int readTimeout) {
        requirePositive(readTimeout, "readTimeout");
        configure(0, readTimeout, null, -1, 0);
    }

    /** Sets the {@code partner_id} system parameter (default {@code iopkit-<version>}). */
    public void setPartnerId(String partnerId) {
        if (Objects.requireNonNull(partnerId, "partnerId").isEmpty()) {
            throw new IllegalArgumentException("partnerId must not be empty");
        }
        configure(0, 0, partnerId, -1, 0);
    }

    /**
     * Allows plain {@code http://} to hosts other than loopback (never recommended: the
     * signature and tokens travel in clear text). Off by default.
     */
    public void setAllowInsecureHttp(boolean allow) {
        configure(0, 0, null, allow ? 1 : 0, 0);
    }

    /** Sets the largest response body accepted, in bytes (default 8 MiB). */
    public void setMaxResponseBytes(long maxResponseBytes) {
        requirePositive(maxResponseBytes, "maxResponseBytes");
        configure(0, 0, null, -1, maxResponseBytes);
    }

    /**
     * Trusts the CA certificates of a PEM bundle instead of the built-in roots (for
     * TLS-intercepting proxies); {@code null} restores the built-in roots. Verification is never
     * turned off.
     *
     * @throws IllegalArgumentException if the bundle holds no valid PEM certificate
     */
    public void setCaBundle(String pem) {
        byte[] bytes = pem == null ? null : pem.getBytes(StandardCharsets.UTF_8);
        handle.configure(ptr -> {
            Native.clientSetCaBundle(ptr, bytes);
            return null;
        });
    }

    /**
     * As {@link #setCaBundle(String)} with the PEM file at {@code pemFile}, read now.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds no valid PEM
     *     certificate
     */
    public void setCaBundleFile(Path pemFile) {
        byte[] bytes = PemFile.read(pemFile);
        handle.configure(ptr -> {
            Native.clientSetCaBundle(ptr, bytes);
            return null;
        });
    }

    /**
     * Sets how many times a call is re-sent after a connect failure ({@link IopConnectException}:
     * the connection could not be made, so the request never reached the server); default 2, at
     * most 10, 0 turns retries off. Each retry is signed afresh, after a short backoff (100 ms
     * doubling up to 1 s, with jitter). Nothing else is ever retried: a call that may have arrived
     * (a timeout, a reset, a bad answer) is never sent twice.
     *
     * @throws IllegalArgumentException if {@code retries} is negative or over 10
     */
    public void setMaxConnectRetries(int retries) {
        handle.configure(ptr -> {
            Native.clientSetMaxConnectRetries(ptr, retries);
            return null;
        });
    }

    private void configure(long connectMs, long readMs, String partnerId, int allowInsecure, long maxBytes) {
        handle.configure(ptr -> {
            Native.clientConfigure(ptr, connectMs, readMs, partnerId, allowInsecure, maxBytes);
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
        return getClass().getSimpleName() + "{serverUrl=" + serverUrl + ", appKey=" + appKey + "}";
    }
}
