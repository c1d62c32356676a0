package io.iopkit;

import io.iopkit.internal.Native;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A client for one EnOS API gateway and app: the API-management token service and calls signed
 * with the {@code apim-*} headers. Settings and lifetime as {@link IopClient}.
 *
 * <pre>{@code
 * try (EnosClient enos = new EnosClient("https://apigw.example.com", appKey, appSecret)) {
 *     EnosToken token = enos.getToken();
 *     IopResponse r = enos.call("GET", "/connect-service/v2.1/devices?action=get&orgId=o1", null,
 *             token.getAccessToken());
 * } catch (IopTokenExpiredException e) {                  // code "1203": get a new one
 * } catch (IopPlatformException e) {                      // "1002" unknown appKey, "1003" bad secret, …
 * }
 * }</pre>
 */
public final class EnosClient extends ConfiguredClient {
    /**
     * A client for {@code gatewayUrl} ({@code https://{apigw-address}}) with the default settings.
     *
     * @throws IllegalArgumentException if the library refuses an argument (the cause is the
     *     {@link IopInvalidArgumentException})
     */
    public EnosClient(String gatewayUrl, String appKey, String appSecret) {
        super(gatewayUrl, appKey, config -> Native.enosClientNew(gatewayUrl, appKey, appSecret, config),
                Native::enosClientFree, Native::enosClientConfigure);
    }

    /** The gateway URL as given. */
    public String getGatewayUrl() {
        return url;
    }

    /** Gets the app's access token ({@code /apim-token-service/v2.0/token/get}); EnOS statuses throw {@link IopPlatformException}. */
    public EnosToken getToken() throws IopException {
        return EnosToken.take(handle.call(Native::enosTokenGet));
    }

    /** Refreshes {@code accessToken}; an expired one throws {@link IopTokenExpiredException} (call {@link #getToken()}). */
    public EnosToken refreshToken(String accessToken) throws IopException {
        return EnosToken.take(handle.call(c -> Native.enosTokenRefresh(c, accessToken)));
    }

    /**
     * The {@code apim-*} headers for a call to {@code pathAndQuery} with {@code body}, the exact
     * bytes to send ({@code null}: none), at {@code timestamp} ({@code null}: a fresh one that never repeats).
     */
    public ApimHeaders sign(String accessToken, String pathAndQuery, byte[] body, Instant timestamp)
            throws IopException {
        long ms = timestamp == null ? Native.IOP_USE_DEFAULT : timestamp.toEpochMilli();
        Object[] out = handle.call(c -> Native.enosClientSign(c, accessToken, pathAndQuery, body, ms));
        return new ApimHeaders(accessToken, (Long) out[0], (String) out[1]);
    }

    /** As {@link #sign(String, String, byte[], Instant)} with {@code body} sent as UTF-8 ({@code null}: none). */
    public ApimHeaders sign(String accessToken, String pathAndQuery, String body, Instant timestamp)
            throws IopException {
        return sign(accessToken, pathAndQuery, utf8(body), timestamp);
    }

    /** As {@link #sign(String, String, byte[], Instant)} without a body, at a fresh timestamp. */
    public ApimHeaders sign(String accessToken, String pathAndQuery) throws IopException {
        return sign(accessToken, pathAndQuery, (byte[]) null, null);
    }

    /**
     * Signs (fresh timestamp) and sends {@code method} ({@code GET}, {@code POST}, {@code PUT},
     * {@code PATCH}, {@code DELETE}) to {@code pathAndQuery} with {@code body} (JSON sent as UTF-8;
     * {@code null}: none). Any JSON answer is a response (check {@link IopResponse#isSuccess()}).
     */
    public IopResponse call(String method, String pathAndQuery, String body, String accessToken) throws IopException {
        byte[] bytes = utf8(body);
        return IopResponse.take(handle.call(c -> Native.enosClientExecute(c, accessToken, method, pathAndQuery, bytes)));
    }

    /** {@link #getToken()} on {@code executor} ({@code null}: a shared pool of daemon threads); see {@link IopClient#executeAsync(IopRequest, String, Protocol, Executor)}. */
    public CompletableFuture<EnosToken> getTokenAsync(Executor executor) {
        return Async.run(executor, this::getToken);
    }

    /** {@link #getToken()} on the shared pool. */
    public CompletableFuture<EnosToken> getTokenAsync() {
        return getTokenAsync(null);
    }

    /** {@link #refreshToken(String)} on {@code executor} ({@code null}: the shared pool). */
    public CompletableFuture<EnosToken> refreshTokenAsync(String accessToken, Executor executor) {
        return Async.run(executor, () -> refreshToken(accessToken));
    }

    /** {@link #refreshToken(String)} on the shared pool. */
    public CompletableFuture<EnosToken> refreshTokenAsync(String accessToken) {
        return refreshTokenAsync(accessToken, null);
    }

    /** {@link #call(String, String, String, String)} on {@code executor} ({@code null}: the shared pool). */
    public CompletableFuture<IopResponse> callAsync(String method, String pathAndQuery, String body, String accessToken,
            Executor executor) {
        return Async.run(executor, () -> call(method, pathAndQuery, body, accessToken));
    }

    /** {@link #call(String, String, String, String)} on the shared pool. */
    public CompletableFuture<IopResponse> callAsync(String method, String pathAndQuery, String body, String accessToken) {
        return callAsync(method, pathAndQuery, body, accessToken, null);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
