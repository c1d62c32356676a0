package io.iopkit;

import io.iopkit.internal.Native;
import io.iopkit.internal.StoreCallbacks;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Always-valid access tokens for one account: a seller of an IOP app, or an EnOS app
 * ({@link #forEnos}). The store is a built-in {@link NativeTokenStore} or the application's
 * {@link TokenStore}.
 *
 * <pre>{@code
 * try (IopClient client = new IopClient(UrlConstants.API_GATEWAY_URL_SG, appKey, appSecret);
 *         FileTokenStore store = new FileTokenStore(Path.of("/var/lib/myapp/tokens.json"));
 *         TokenManager tokens = new TokenManager(client, store, sellerId)) {
 *     tokens.createToken(codeFromRedirect);                 // once, after the seller authorizes
 *     IopResponse r = client.execute(new IopRequest("/seller/get"), tokens.getAccessToken());
 * } catch (IopReauthorizationRequiredException e) {         // the grant is dead: authorize again
 * }
 * }</pre>
 *
 * <p>{@link #getAccessToken()} refreshes once per window however many threads and processes ask.
 * Thread-safe. The manager keeps its client and store alive natively; {@link #close()} is
 * idempotent, and a {@link java.lang.ref.Cleaner} frees a manager that was never closed.
 */
public final class TokenManager implements AutoCloseable {
    /** The default refresh margin ({@code IOP_DEFAULT_REFRESH_MARGIN_MS}). */
    public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofMillis(Native.IOP_DEFAULT_REFRESH_MARGIN_MS);

    /** Makes the native manager: {@code (client, store, marginMs)}. */
    private interface Create {
        long create(long client, long store, long marginMs) throws IopException;
    }

    private final NativeHandle handle;
    private final Object store;
    private final String account;

    private TokenManager(NativeHandle client, Object store, String account, Duration margin, Create create) {
        Objects.requireNonNull(store, "store");
        long marginMs = margin == null ? Native.IOP_USE_DEFAULT : margin.toMillis();
        long[] made = NativeHandle.create(p -> client.call(c -> NativeTokenStore.with(store, true,
                (s, callbacks) -> new long[] {create.create(c, s, marginMs), callbacks})));
        this.store = store;
        this.account = account;
        long callbacks = made[1];
        this.handle = new NativeHandle(this, made[0], m -> {
            Native.tokenManagerFree(m);
            StoreCallbacks.free(callbacks);
        });
    }

    /** A manager for the seller {@code account} of {@code client}'s app, with the default margin. */
    public TokenManager(IopClient client, NativeTokenStore store, String account) {
        this(client, store, account, null);
    }

    /** As {@link #TokenManager(IopClient, NativeTokenStore, String)}, refreshing when less than {@code refreshMargin} is left. */
    public TokenManager(IopClient client, NativeTokenStore store, String account, Duration refreshMargin) {
        this(client.handle, store, account, refreshMargin, (c, s, m) -> Native.tokenManagerNew(c, s, account, m));
    }

    /** A manager keeping tokens in the application's {@code store}. */
    public TokenManager(IopClient client, TokenStore store, String account) {
        this(client, store, account, null);
    }

    /** As {@link #TokenManager(IopClient, TokenStore, String)} with a refresh margin ({@code null}: the default). */
    public TokenManager(IopClient client, TokenStore store, String account, Duration refreshMargin) {
        this(client.handle, store, account, refreshMargin, (c, s, m) -> Native.tokenManagerNew(c, s, account, m));
    }

    /** A manager for the app token of an EnOS {@code client} (no authorization step), kept under {@code account}. */
    public static TokenManager forEnos(EnosClient client, NativeTokenStore store, String account, Duration refreshMargin) {
        return new TokenManager(client.handle, store, account, refreshMargin,
                (c, s, m) -> Native.tokenManagerNewEnos(c, s, account, m));
    }

    /** As {@link #forEnos(EnosClient, NativeTokenStore, String, Duration)} with the application's store. */
    public static TokenManager forEnos(EnosClient client, TokenStore store, String account, Duration refreshMargin) {
        return new TokenManager(client.handle, store, account, refreshMargin,
                (c, s, m) -> Native.tokenManagerNewEnos(c, s, account, m));
    }

    /**
     * An access token valid for more than the refresh margin, refreshing first when needed.
     *
     * @throws IopReauthorizationRequiredException when the seller must authorize the app again
     * @throws IopException when a needed refresh failed and the stored token has expired; a
     *     failure of an application's store has the store's exception as its cause
     */
    public String getAccessToken() throws IopException {
        return handle.call(Native::tokenManagerGetAccessToken);
    }

    /** {@link #getAccessToken()} on {@code executor} ({@code null}: a shared pool of daemon threads); see {@link IopClient#executeAsync(IopRequest, String, Protocol, Executor)}. */
    public CompletableFuture<String> getAccessTokenAsync(Executor executor) {
        return Async.run(executor, this::getAccessToken);
    }

    /** {@link #getAccessToken()} on the shared pool. */
    public CompletableFuture<String> getAccessTokenAsync() {
        return getAccessTokenAsync(null);
    }

    /** {@link #createToken(String)} on {@code executor} ({@code null}: the shared pool). */
    public CompletableFuture<Void> createTokenAsync(String code, Executor executor) {
        return Async.run(executor, () -> {
            createToken(code);
            return null;
        });
    }

    /** {@link #createToken(String)} on the shared pool. */
    public CompletableFuture<Void> createTokenAsync(String code) {
        return createTokenAsync(code, null);
    }

    /** Exchanges the authorization {@code code} ({@code /auth/token/create}) and stores the grant (IOP managers). */
    public void createToken(String code) throws IopException {
        handle.call(m -> {
            Native.tokenManagerCreateToken(m, code);
            return null;
        });
    }

    /** Stores {@code token} (from {@link IopClient#createToken}, say) as the account's grant. */
    public void storeGrant(Token token) throws IopException {
        long t = Native.tokenFromJson(token.toJson());
        try {
            handle.call(m -> {
                Native.tokenManagerStoreGrant(m, t);
                return null;
            });
        } finally {
            Native.tokenFree(t);
        }
    }

    /** The account's stored record as the library's JSON (holds the tokens), or {@code null} when none is stored. */
    public String loadRecord() throws IopException {
        String json = handle.call(Native::tokenManagerLoadRecord);
        return "null".equals(json) ? null : json;
    }

    /** The account this manager serves. */
    public String getAccount() {
        return account;
    }

    /** The store the tokens are kept in (a {@link NativeTokenStore} or a {@link TokenStore}). */
    public Object getStore() {
        return store;
    }

    /** True once {@link #close()} has been called (or the Cleaner freed the manager). */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Frees the native manager after the calls in flight return (the tokens stay stored); idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return "TokenManager{account=" + account + ", store=" + store + "}";
    }
}
