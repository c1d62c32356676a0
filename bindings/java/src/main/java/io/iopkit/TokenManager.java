package io.iopkit;

import io.iopkit.internal.Native;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Always-valid access tokens for one account: a seller of an IOP app (Lazada, AliExpress,
 * Taobao TW), or an EnOS app ({@link #forEnos}).
 *
 * <pre>{@code
 * TokenStore store = new FileTokenStore(Path.of("/var/lib/myapp/tokens.json"));
 * try (IopClient client = new IopClient(UrlConstants.API_GATEWAY_URL_SG, appKey, appSecret);
 *         TokenManager tokens = new TokenManager(client, store, sellerId)) {
 *     tokens.createToken(codeFromRedirect);                 // once, after the seller authorizes
 *     IopResponse r = client.execute(new IopRequest("/seller/get"), tokens.accessToken());
 * } catch (IopReauthorizationRequiredException e) {         // the grant is dead: authorize again
 *     redirectSellerTo(Authorization.authorizeUrl(...));
 * }
 * }</pre>
 *
 * <p>{@link #accessToken()} returns a token valid for more than the refresh margin (30 minutes
 * by default), refreshing it first when needed: <b>once per window</b>, however many threads
 * (single flight in the process) and processes (the store's lock) ask at the same time; the new
 * pair is stored before anyone receives it, so a rotated refresh token is never lost. A grant that
 * only a new authorization can fix (the platform refused the refresh token, it expired, or the
 * grant cannot be refreshed) is recorded once and never sent again; its access token is served
 * while it lasts, then {@link IopReauthorizationRequiredException} is thrown. Other refresh
 * failures (a timeout, say) return the stored token while it has not expired.
 *
 * <p><b>Threads and lifetime.</b> Share one manager per account between any number of threads.
 * The manager keeps its client and store alive (natively and, for the store, from Java), so
 * closing the client or the store first is fine. {@link #close()} waits for calls in flight and
 * is idempotent; later calls throw {@link IllegalStateException}; an unclosed manager is freed by
 * a {@link Cleaner} once unreachable.
 */
public final class TokenManager implements AutoCloseable {
    /** The default refresh margin: refresh when less than 30 minutes are left. */
    public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofMinutes(30);

    private final NativeHandle handle;
    private final TokenStore store; // kept reachable as long as the manager is
    private final String account;
    private final Duration refreshMargin;

    /** Makes the native manager from the client and store handles and the margin in ms (-1: default). */
    private interface Create {
        long create(long clientPtr, long storePtr, long marginMs) throws IopException;
    }

    private TokenManager(TokenStore store, String account, Duration refreshMargin, NativeHandle client,
            Create create) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(account, "account");
        if (refreshMargin != null && refreshMargin.isNegative()) {
            throw new IllegalArgumentException("refreshMargin must not be negative, not " + refreshMargin);
        }
        long marginMs = refreshMargin == null ? -1 : NativeTokenStore.millis(refreshMargin);
        long ptr;
        try {
            ptr = client.call(c -> NativeTokenStore.withNative(store, s -> create.create(c, s, marginMs)));
        } catch (IopException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.store = store;
        this.account = account;
        this.refreshMargin = refreshMargin == null ? DEFAULT_REFRESH_MARGIN : refreshMargin;
        this.handle = new NativeHandle(this, ptr, Native::managerFree);
    }

    /**
     * A manager for the seller {@code account} (any stable key, e.g. the seller id) of
     * {@code client}'s app, keeping tokens in {@code store}, with the default refresh margin.
     * Store a grant first with {@link #createToken} or {@link #storeGrant}.
     *
     * @throws IllegalArgumentException if {@code account} is empty
     * @throws IllegalStateException if the client or a native store is closed
     * @throws NullPointerException if an argument is {@code null}
     */
    public TokenManager(IopClient client, TokenStore store, String account) {
        this(client, store, account, null);
    }

    /**
     * As {@link #TokenManager(IopClient, TokenStore, String)}, refreshing when less than
     * {@code refreshMargin} is left ({@code null}: the default, 30 minutes).
     *
     * @throws IllegalArgumentException if {@code account} is empty or the margin negative
     */
    public TokenManager(IopClient client, TokenStore store, String account, Duration refreshMargin) {
        this(store, account, refreshMargin, Objects.requireNonNull(client, "client").nativeHandle(),
                (c, s, m) -> Native.managerNew(c, s, account, m));
    }

    /**
     * A manager for the app token of an EnOS {@code client}, kept under {@code account} in
     * {@code store}, with the default refresh margin. No authorization step: the first
     * {@link #accessToken()} gets a token from the token service.
     *
     * @throws IllegalArgumentException if {@code account} is empty
     * @throws NullPointerException if an argument is {@code null}
     */
    public static TokenManager forEnos(EnosClient client, TokenStore store, String account) {
        return forEnos(client, store, account, null);
    }

    /** As {@link #forEnos(EnosClient, TokenStore, String)} with a refresh margin ({@code null}: the default). */
    public static TokenManager forEnos(EnosClient client, TokenStore store, String account, Duration refreshMargin) {
        NativeHandle c = Objects.requireNonNull(client, "client").nativeHandle();
        return new TokenManager(store, account, refreshMargin, c, (p, s, m) -> Native.managerNewEnos(p, s, account, m));
    }

    // ---- tokens ---------------------------------------------------------------------------------

    /**
     * An access token valid for more than the refresh margin, refreshing first when needed (once
     * per window, whatever the number of threads and processes asking).
     *
     * @throws IopReauthorizationRequiredException when nothing is stored, or the grant is dead and
     *     its access token has expired: the seller must authorize the app again
     * @throws IopException when a needed refresh failed and the stored token has expired
     *     ({@link IopTimeoutException}, …); {@link IopInternalException} when a method of an
     *     application's store threw (the cause)
     * @throws IllegalStateException if the manager is closed
     */
    public String accessToken() throws IopException {
        return handle.call(Native::managerAccessToken);
    }

    /**
     * Exchanges the authorization {@code code} the seller's redirect brought
     * ({@code /auth/token/create}) and stores the grant as this account's, replacing what was
     * stored. IOP managers only.
     *
     * @return the stored record
     * @throws IopPlatformException if the platform refuses the code ({@code InvalidCode}, …)
     * @throws IopInvalidArgumentException for an EnOS manager, or an empty code
     */
    public TokenRecord createToken(String code) throws IopException {
        Objects.requireNonNull(code, "code");
        return handle.call(ptr -> Native.managerCreateToken(ptr, code));
    }

    /**
     * Stores {@code token} (from {@link IopClient#createToken}, say) as this account's grant,
     * replacing what was stored.
     *
     * @return the stored record
     * @throws IopInvalidArgumentException if the token has no access token
     */
    public TokenRecord storeGrant(Token token) throws IopException {
        Objects.requireNonNull(token, "token");
        Instant refreshExpiresAt = token.getRefreshExpiresAt();
        return handle.call(ptr -> Native.managerStoreGrant(ptr, token.getAccessToken(), token.getRefreshToken(),
                token.getExpiresAt().toEpochMilli(), refreshExpiresAt != null,
                refreshExpiresAt == null ? 0 : refreshExpiresAt.toEpochMilli(), token.canRefresh(),
                token.getSellerId(), token.getCountry()));
    }

    /** The account's stored record, or {@code null} when nothing is stored. */
    public TokenRecord record() throws IopException {
        return handle.call(Native::managerRecord);
    }

    // ---- properties -----------------------------------------------------------------------------

    /** The account this manager serves. */
    public String getAccount() {
        return account;
    }

    /** The store the tokens are kept in. */
    public TokenStore getStore() {
        return store;
    }

    /** The refresh margin. */
    public Duration getRefreshMargin() {
        return refreshMargin;
    }

    // ---- lifetime -------------------------------------------------------------------------------

    /** True once {@link #close()} has been called (or the Cleaner freed the manager). */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /**
     * Frees the native manager after the calls in flight return (the stored tokens stay in the
     * store). Idempotent; later calls throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return "TokenManager{account=" + account + ", store=" + store + ", refreshMargin=" + refreshMargin + "}";
    }
}
