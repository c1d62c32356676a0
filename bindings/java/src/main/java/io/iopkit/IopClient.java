package io.iopkit;

import io.iopkit.internal.Native;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A client for one IOP gateway and app (Lazada, AliExpress, Taobao TW): one keep-alive connection
 * pool, signing, TLS verification always on, secrets kept out of every message.
 *
 * <pre>{@code
 * IopClient client = new IopClientImpl(UrlConstants.API_GATEWAY_URL_SG, appKey, appSecret);
 * IopRequest request = new IopRequest("/seller/get");
 * IopResponse response = client.execute(request, accessToken);
 * System.out.println(response.getBody());
 * }</pre>
 *
 * <p>{@code execute} returns a platform error as a response whose {@link IopResponse#isSuccess()}
 * is false, as the official SDKs do; transport failures throw an {@link IopException} subclass.
 * Thread-safe (setters included); {@link #close()} frees it, and a {@link java.lang.ref.Cleaner}
 * frees a client that was never closed.
 */
public class IopClient extends ConfiguredClient {
    /** The strings {@link #sign} computes. */
    public record Signature(String signString, String sign) {}

    /**
     * One call of a batch ({@link #executeCalls}): a request with its own access token
     * ({@code null}: the batch's) and protocol.
     */
    public record BatchCall(IopRequest request, String accessToken, Protocol protocol) {
        /** {@code request} with its own {@code accessToken} ({@code null}: the batch's), protocol {@link Protocol#AUTO}. */
        public BatchCall(IopRequest request, String accessToken) {
            this(request, accessToken, Protocol.AUTO);
        }
    }

    /**
     * A client for {@code serverUrl} (ending in {@code /rest}, or a bare host) with the default settings.
     *
     * @throws IllegalArgumentException if the core refuses an argument (the cause is the
     *     {@link IopInvalidArgumentException})
     */
    public IopClient(String serverUrl, String appKey, String appSecret) {
        super(serverUrl, appKey, config -> Native.clientNew(serverUrl, appKey, appSecret, config),
                Native::clientFree, Native::clientConfigure);
    }

    /** A client with the connect and read timeouts in milliseconds (the official SDKs' constructor). */
    public IopClient(String serverUrl, String appKey, String appSecret, int connectTimeout, int readTimeout) {
        this(serverUrl, appKey, appSecret);
        setConnectTimeout(connectTimeout);
        setReadTimeout(readTimeout);
    }

    /** The gateway URL as given. */
    public String getServerUrl() {
        return url;
    }

    /** Signs and sends {@code request} without a token; the protocol follows the API name. */
    public IopResponse execute(IopRequest request) throws IopException {
        return execute(request, null, Protocol.AUTO);
    }

    /** Signs and sends {@code request} with {@code accessToken} ({@code null}: none). */
    public IopResponse execute(IopRequest request, String accessToken) throws IopException {
        return execute(request, accessToken, Protocol.AUTO);
    }

    /** Signs and sends {@code request} without a token, with {@code protocol}. */
    public IopResponse execute(IopRequest request, Protocol protocol) throws IopException {
        return execute(request, null, protocol);
    }

    /**
     * Signs and sends {@code request} with {@code accessToken} ({@code null}: none) and {@code protocol}.
     *
     * @return the response; a platform error is a response whose {@code isSuccess()} is false
     * @throws IopException for invalid requests and transport failures ({@link IopTimeoutException}, …)
     */
    public IopResponse execute(IopRequest request, String accessToken, Protocol protocol) throws IopException {
        int p = protocol.value();
        return IopResponse.take(withRequest(request, r -> handle.call(c -> Native.clientExecute(c, r, accessToken, p))));
    }

    /**
     * Sends {@code requests} together, at most {@code concurrency} at once over the client's
     * keep-alive pool on native threads (1 to {@link Native#IOP_MAX_BATCH_CONCURRENCY}, 64; -1: the
     * default, {@link Native#IOP_DEFAULT_BATCH_CONCURRENCY}, 8), each signed with {@code accessToken}
     * ({@code null}: none), and returns when all have ended: one {@link BatchResult} per request,
     * in input order, holding what {@link #execute(IopRequest, String)} would have returned or
     * thrown. A failed call does not stop the others and is not thrown.
     *
     * @throws IopInvalidArgumentException for an invalid concurrency or a request the library
     *     refuses before sending (a NUL character, a file that cannot be read)
     */
    public List<BatchResult> executeBatch(List<IopRequest> requests, String accessToken, int concurrency)
            throws IopException {
        List<BatchCall> calls = new ArrayList<>(requests.size());
        for (IopRequest request : requests) {
            calls.add(new BatchCall(request, null));
        }
        return executeCalls(calls, accessToken, concurrency);
    }

    /** As {@link #executeBatch(List, String, int)} at the default concurrency (8). */
    public List<BatchResult> executeBatch(List<IopRequest> requests, String accessToken) throws IopException {
        return executeBatch(requests, accessToken, Native.IOP_USE_DEFAULT);
    }

    /**
     * As {@link #executeBatch(List, String, int)}, each call with its own token (when not
     * {@code null}; else {@code accessToken}) and protocol.
     */
    public List<BatchResult> executeCalls(List<BatchCall> calls, String accessToken, int concurrency)
            throws IopException {
        long batch = nativeBatch(calls, accessToken);
        try {
            return runBatch(batch, calls.size(), concurrency);
        } finally {
            Native.batchFree(batch); // and every outcome not taken
        }
    }

    /**
     * As {@link #executeCalls} on {@code executor} ({@code null}: the shared pool); the requests are
     * copied now. See {@link #executeAsync(IopRequest, String, Protocol, Executor)} for cancellation.
     */
    public CompletableFuture<List<BatchResult>> executeCallsAsync(List<BatchCall> calls, String accessToken,
            int concurrency, Executor executor) {
        long batch;
        try {
            batch = nativeBatch(calls, accessToken);
        } catch (IopException e) {
            return CompletableFuture.failedFuture(e);
        }
        return Async.run(executor, () -> runBatch(batch, calls.size(), concurrency), () -> Native.batchFree(batch));
    }

    /** As {@link #executeBatch(List, String, int)} on {@code executor} ({@code null}: the shared pool); the requests are copied now. */
    public CompletableFuture<List<BatchResult>> executeBatchAsync(List<IopRequest> requests, String accessToken,
            int concurrency, Executor executor) {
        List<BatchCall> calls = new ArrayList<>(requests.size());
        for (IopRequest request : requests) {
            calls.add(new BatchCall(request, null));
        }
        return executeCallsAsync(calls, accessToken, concurrency, executor);
    }

    /** As {@link #executeBatch(List, String)} on the shared pool. */
    public CompletableFuture<List<BatchResult>> executeBatchAsync(List<IopRequest> requests, String accessToken) {
        return executeBatchAsync(requests, accessToken, Native.IOP_USE_DEFAULT, null);
    }

    /** A native batch of {@code calls}; the caller frees it ({@code Native.batchFree}). */
    private static long nativeBatch(List<BatchCall> calls, String accessToken) throws IopException {
        long batch = Native.batchNew();
        boolean made = false;
        try {
            for (BatchCall call : calls) {
                String token = call.accessToken() != null ? call.accessToken() : accessToken;
                int p = call.protocol().value();
                withRequest(call.request(), r -> { Native.batchAdd(batch, r, token, p); return null; });
            }
            made = true;
            return batch;
        } finally {
            if (!made) {
                Native.batchFree(batch);
            }
        }
    }

    /** Sends the {@code size} calls of {@code batch} and takes each outcome. */
    private List<BatchResult> runBatch(long batch, int size, int concurrency) throws IopException {
        handle.call(c -> { Native.clientExecuteBatch(c, batch, concurrency); return null; });
        List<BatchResult> results = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            try {
                results.add(new BatchResult(IopResponse.take(Native.batchTakeResponse(batch, i)), null));
            } catch (IopException e) {
                results.add(new BatchResult(null, e));
            }
        }
        return results;
    }

    /**
     * What {@code execute} would sign at {@code timestampMs} (epoch milliseconds; -1: now): the string to
     * sign (it holds the parameter values, never the secret) and the signature.
     */
    public Signature sign(IopRequest request, String accessToken, Protocol protocol, long timestampMs)
            throws IopException {
        int p = protocol.value();
        Object[] out = withRequest(request, r -> handle.call(c -> Native.clientSign(c, r, accessToken, p, timestampMs)));
        return new Signature((String) out[0], (String) out[1]);
    }

    /** Exchanges a one-time authorization {@code code} ({@code /auth/token/create}); platform errors throw {@link IopPlatformException}. */
    public Token createToken(String code) throws IopException {
        return Token.take(handle.call(c -> Native.tokenCreate(c, code)));
    }

    /** Refreshes a token ({@code /auth/token/refresh}): store the new refresh token, the old one is dead. */
    public Token refreshToken(String refreshToken) throws IopException {
        return Token.take(handle.call(c -> Native.tokenRefresh(c, refreshToken)));
    }

    /**
     * As {@link #execute(IopRequest, String, Protocol)} on {@code executor} ({@code null}: a shared
     * pool of daemon threads). The request is copied now, so it may be changed once this returns.
     * The future fails with the {@link IopException} {@code execute} would throw;
     * {@code cancel(true)} completes it at once while the native call ends on its thread
     * (within the client's timeouts) and frees its response.
     */
    public CompletableFuture<IopResponse> executeAsync(IopRequest request, String accessToken, Protocol protocol,
            Executor executor) {
        int p = protocol.value();
        long r;
        try {
            r = nativeRequest(request);
        } catch (IopException e) {
            return CompletableFuture.failedFuture(e);
        }
        return Async.run(executor, () -> IopResponse.take(handle.call(c -> Native.clientExecute(c, r, accessToken, p))),
                () -> Native.requestFree(r));
    }

    /** As {@link #executeAsync(IopRequest, String, Protocol, Executor)} on the shared pool. */
    public CompletableFuture<IopResponse> executeAsync(IopRequest request, String accessToken, Protocol protocol) {
        return executeAsync(request, accessToken, protocol, null);
    }

    /** As {@link #executeAsync(IopRequest, String, Protocol, Executor)}, protocol {@link Protocol#AUTO}, on the shared pool. */
    public CompletableFuture<IopResponse> executeAsync(IopRequest request, String accessToken) {
        return executeAsync(request, accessToken, Protocol.AUTO, null);
    }

    /** As {@link #executeAsync(IopRequest, String, Protocol, Executor)} without a token, on the shared pool. */
    public CompletableFuture<IopResponse> executeAsync(IopRequest request) {
        return executeAsync(request, null, Protocol.AUTO, null);
    }

    /** {@link #createToken(String)} on {@code executor} ({@code null}: the shared pool); see {@link #executeAsync(IopRequest, String, Protocol, Executor)}. */
    public CompletableFuture<Token> createTokenAsync(String code, Executor executor) {
        return Async.run(executor, () -> createToken(code));
    }

    /** {@link #createToken(String)} on the shared pool. */
    public CompletableFuture<Token> createTokenAsync(String code) {
        return createTokenAsync(code, null);
    }

    /** {@link #refreshToken(String)} on {@code executor} ({@code null}: the shared pool). */
    public CompletableFuture<Token> refreshTokenAsync(String refreshToken, Executor executor) {
        return Async.run(executor, () -> refreshToken(refreshToken));
    }

    /** {@link #refreshToken(String)} on the shared pool. */
    public CompletableFuture<Token> refreshTokenAsync(String refreshToken) {
        return refreshTokenAsync(refreshToken, null);
    }

    /** Runs {@code call} with a native copy of {@code request}, freed afterwards. */
    private static <T> T withRequest(IopRequest request, NativeHandle.Call<T> call) throws IopException {
        long r = nativeRequest(request);
        try {
            return call.apply(r);
        } finally {
            Native.requestFree(r);
        }
    }

    /** A native copy of {@code request}; the caller frees it ({@code Native.requestFree}). */
    private static long nativeRequest(IopRequest request) throws IopException {
        long r = Native.requestNew(Objects.requireNonNull(request, "request").getApiName());
        boolean made = false;
        try {
            for (Map.Entry<String, String> e : request.getApiParams().entrySet()) {
                Native.requestAddParam(r, e.getKey(), e.getValue());
            }
            for (Map.Entry<String, FileItem> f : request.getFileParams().entrySet()) {
                FileItem file = f.getValue();
                byte[] content;
                try {
                    content = file.getContent();
                } catch (IOException e) {
                    IopException ex = new IopInvalidArgumentException("invalid argument `file`: cannot read "
                            + file.getFileName() + ": " + e.getMessage());
                    ex.initCause(e);
                    throw ex;
                }
                Native.requestAddFile(r, f.getKey(), file.getFileName(), file.getMimeType(), content);
            }
            for (Map.Entry<String, String> h : request.getHeaderParams()) {
                Native.requestAddHeader(r, h.getKey(), h.getValue());
            }
            if (request.getHttpMethod().equals("GET")) {
                Native.requestSetHttpMethod(r, Native.IOP_HTTP_GET);
            }
            made = true;
            return r;
        } finally {
            if (!made) {
                Native.requestFree(r);
            }
        }
    }
}
