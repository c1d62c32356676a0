using System;

namespace Iopkit
{
    /// <summary>
    /// Always-valid access tokens for one account (a seller of an IOP app, or an EnOS app), kept in
    /// a <see cref="TokenStore"/>. <see cref="AccessToken"/> returns a token valid for more than
    /// the refresh margin, refreshing first when needed: one refresh per expiry window (single
    /// flight among this manager's threads, the store's lock across processes), and the new pair
    /// is stored before it is returned, so a rotated refresh token is never lost. All of it
    /// happens in libiop. Thread-safe: share one manager per account. Dispose it when done (a
    /// finalizer frees it otherwise); afterwards every method throws
    /// <see cref="ObjectDisposedException"/>, and calls already running finish first.
    /// <para>When the seller must authorize the app again (nothing stored, the refresh token was
    /// refused with <c>IllegalRefreshToken</c> or expired, or the grant cannot be refreshed) and
    /// the stored access token has expired, calls throw
    /// <see cref="IopReauthorizationRequiredException"/>; until it expires, the stale token is
    /// still served and <see cref="Record"/> shows <see cref="TokenRecord.ReauthorizationReason"/>.
    /// A dead grant is never sent again.</para>
    /// </summary>
    public sealed class TokenManager : IDisposable
    {
        private readonly TokenManagerHandle handle;

        /// <summary>
        /// A manager for the seller <paramref name="account"/> (any stable key, e.g. the seller id)
        /// of the IOP app of <paramref name="client"/>, keeping tokens in <paramref name="store"/>.
        /// Seed it once with <see cref="CreateToken"/> or <see cref="StoreGrant"/>. The manager
        /// keeps the native client and store alive: disposing their wrappers first is fine.
        /// </summary>
        /// <param name="client">The app's client (its gateway is used for refreshes).</param>
        /// <param name="store">Where the account's tokens are kept.</param>
        /// <param name="account">The account's key in the store; not empty.</param>
        /// <param name="refreshMargin">Refresh when less than this is left (rounded up to whole
        /// seconds); null: libiop's default, 30 minutes.</param>
        /// <exception cref="ArgumentNullException">An argument other than <paramref name="refreshMargin"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="refreshMargin"/> is negative.</exception>
        /// <exception cref="IopInvalidArgumentException"><paramref name="account"/> is empty.</exception>
        public TokenManager(IopClient client, TokenStore store, string account, TimeSpan? refreshMargin = null)
        {
            if (client == null)
            {
                throw new ArgumentNullException("client");
            }
            Check(store, account);
            long margin = MarginSeconds(refreshMargin);
            TokenManagerHandle h;
            int status = Native.iop_token_manager_new(client.NativeHandle, store.NativeHandle, Native.Utf8(account), margin, out h);
            handle = Adopt(status, h, store);
            Account = account;
            Store = store;
        }

        private TokenManager(TokenManagerHandle handle, TokenStore store, string account)
        {
            this.handle = handle;
            Account = account;
            Store = store;
        }

        /// <summary>
        /// A manager for the EnOS app of <paramref name="client"/>, its token kept under
        /// <paramref name="account"/> in <paramref name="store"/>. No seeding: the first
        /// <see cref="AccessToken"/> gets a token, later ones refresh it before it expires.
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument other than <paramref name="refreshMargin"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="refreshMargin"/> is negative.</exception>
        /// <exception cref="IopInvalidArgumentException"><paramref name="account"/> is empty.</exception>
        public static TokenManager ForEnos(EnosClient client, TokenStore store, string account, TimeSpan? refreshMargin = null)
        {
            if (client == null)
            {
                throw new ArgumentNullException("client");
            }
            Check(store, account);
            long margin = MarginSeconds(refreshMargin);
            TokenManagerHandle h;
            int status = Native.iop_token_manager_new_enos(client.NativeHandle, store.NativeHandle, Native.Utf8(account), margin, out h);
            return new TokenManager(Adopt(status, h, store), store, account);
        }

        private static void Check(TokenStore store, string account)
        {
            if (store == null)
            {
                throw new ArgumentNullException("store");
            }
            if (account == null)
            {
                throw new ArgumentNullException("account");
            }
        }

        private static long MarginSeconds(TimeSpan? margin)
        {
            if (!margin.HasValue)
            {
                return -1;
            }
            if (margin.Value < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException("refreshMargin", margin.Value, "must not be negative");
            }
            return (long)Math.Ceiling(margin.Value.TotalSeconds);
        }

        /// <summary>Takes ownership of a new manager handle, rooting the store's callbacks in it.</summary>
        private static TokenManagerHandle Adopt(int status, TokenManagerHandle h, TokenStore store)
        {
            if (status != 0)
            {
                IopException e = IopException.FromLastError(status);
                h.Dispose();
                throw e;
            }
            // The native manager calls the store for as long as it lives, even after the store's
            // wrapper is disposed or collected: keep a callback store's delegates reachable.
            h.Roots = store;
            return h;
        }

        /// <summary>The account this manager serves.</summary>
        public string Account { get; private set; }

        /// <summary>The store given to the constructor.</summary>
        public TokenStore Store { get; private set; }

        private TokenManagerHandle Handle
        {
            get
            {
                if (handle.IsClosed)
                {
                    throw new ObjectDisposedException(GetType().FullName);
                }
                return handle;
            }
        }

        /// <summary>Throws for a failed call, attaching the exception a store callback threw.</summary>
        private static void CheckCall(int status)
        {
            Exception failure = StoreCallbackFailure.Take();
            if (status != 0)
            {
                throw IopException.FromLastError(status, failure);
            }
        }

        /// <summary>
        /// An access token valid for more than the refresh margin, refreshing (and storing the new
        /// pair) first when needed. When a refresh fails for a passing reason (network, timeout)
        /// the stored token is returned while it has not expired.
        /// </summary>
        /// <exception cref="IopReauthorizationRequiredException">Nothing is stored, or the grant is
        /// dead and its access token has expired: send the seller to the authorization page.</exception>
        /// <exception cref="IopException">A refresh failed and the stored token has expired, or the
        /// store failed (<see cref="IopInternalException"/> for a failed callback).</exception>
        public string AccessToken()
        {
            TokenManagerHandle h = Handle;
            IntPtr token = IntPtr.Zero;
            try
            {
                StoreCallbackFailure.Clear();
                int status = Native.iop_token_manager_access_token(h, out token);
                CheckCall(status);
                return Native.TakeOwned(ref token);
            }
            finally
            {
                if (token != IntPtr.Zero)
                {
                    Native.iop_string_free(token);
                }
            }
        }

        /// <summary>Exchanges an authorization <paramref name="code"/> (from the OAuth redirect) for a
        /// token and stores it as the account's grant, replacing what was stored. IOP managers only.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="code"/> is null.</exception>
        /// <exception cref="IopPlatformException">The platform refused (e.g. <c>InvalidCode</c>).</exception>
        /// <exception cref="IopInvalidArgumentException">An empty code, or an EnOS manager.</exception>
        public void CreateToken(string code)
        {
            if (code == null)
            {
                throw new ArgumentNullException("code");
            }
            TokenManagerHandle h = Handle;
            StoreCallbackFailure.Clear();
            CheckCall(Native.iop_token_manager_create_token(h, Native.Utf8(code)));
        }

        /// <summary>Stores <paramref name="token"/> (from <see cref="IopClient.CreateToken"/> or
        /// <see cref="Token.Parse"/>) as the account's grant, replacing what was stored.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="token"/> is null.</exception>
        /// <exception cref="IopInvalidArgumentException">The token has no access token.</exception>
        public void StoreGrant(Token token)
        {
            if (token == null)
            {
                throw new ArgumentNullException("token");
            }
            TokenManagerHandle h = Handle;
            using (TokenHandle t = token.ToNative())
            {
                StoreCallbackFailure.Clear();
                CheckCall(Native.iop_token_manager_store_grant(h, t));
            }
        }

        /// <summary>The account's stored record (tokens, expiries, re-authorization state), or null
        /// when nothing is stored.</summary>
        public TokenRecord Record()
        {
            TokenManagerHandle h = Handle;
            IntPtr json = IntPtr.Zero;
            try
            {
                StoreCallbackFailure.Clear();
                int status = Native.iop_token_manager_record_json(h, out json);
                CheckCall(status);
                string text = Native.TakeOwned(ref json);
                return text == "null" ? null : new TokenRecord(Json.Parse<Json.RecordWire>(text));
            }
            finally
            {
                if (json != IntPtr.Zero)
                {
                    Native.iop_string_free(json);
                }
            }
        }

        /// <summary>Frees the native manager. Safe to call more than once.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }
    }

    /// <summary>
    /// One account's tokens as stored, from <see cref="TokenManager.Record"/>. Immutable. It holds
    /// secrets: <see cref="ToString"/> redacts both tokens.
    /// </summary>
    public sealed class TokenRecord
    {
        internal TokenRecord(Json.RecordWire w)
        {
            Version = w.Version;
            AccessToken = w.AccessToken ?? string.Empty;
            RefreshToken = w.RefreshToken ?? string.Empty;
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(w.ExpiresAtMs);
            RefreshExpiresAt = Instant(w.RefreshExpiresAtMs);
            CanRefresh = w.CanRefresh;
            GrantedAt = DateTimeOffset.FromUnixTimeMilliseconds(w.GrantedAtMs);
            RefreshStartedAt = Instant(w.RefreshStartedAtMs);
            ReauthorizationReason = w.ReauthorizationReason;
            SellerId = w.SellerId;
            Country = w.Country;
            ReauthorizeBy = Instant(w.ReauthorizeByMs);
        }

        private static DateTimeOffset? Instant(long? ms)
        {
            return ms.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(ms.Value) : (DateTimeOffset?)null;
        }

        /// <summary>Write counter: 1 for the first stored grant, one more for every change.</summary>
        public ulong Version { get; private set; }

        /// <summary>The current access token (a secret).</summary>
        public string AccessToken { get; private set; }

        /// <summary>The current refresh token (a secret); empty for EnOS.</summary>
        public string RefreshToken { get; private set; }

        /// <summary>When the access token expires.</summary>
        public DateTimeOffset ExpiresAt { get; private set; }

        /// <summary>When the refresh token expires, when known.</summary>
        public DateTimeOffset? RefreshExpiresAt { get; private set; }

        /// <summary>Whether the refresh token may be used.</summary>
        public bool CanRefresh { get; private set; }

        /// <summary>When the seller authorized (the first grant of this chain of refreshes).</summary>
        public DateTimeOffset GrantedAt { get; private set; }

        /// <summary>Set while a refresh is running, or when one started and never stored its answer
        /// (a process died holding the new refresh token).</summary>
        public DateTimeOffset? RefreshStartedAt { get; private set; }

        /// <summary>Why the seller must authorize again, once known (the manager then stops
        /// refreshing and serves the access token until it expires); null while the grant is good.</summary>
        public string ReauthorizationReason { get; private set; }

        /// <summary>The seller id, when the platform gave one.</summary>
        public string SellerId { get; private set; }

        /// <summary>The country, when the platform gave one.</summary>
        public string Country { get; private set; }

        /// <summary>When the seller must authorize again at the latest: the refresh token's expiry,
        /// or the access token's when it cannot be refreshed; null for EnOS or when unknown.</summary>
        public DateTimeOffset? ReauthorizeBy { get; private set; }

        /// <summary>A summary with both tokens redacted.</summary>
        public override string ToString()
        {
            return string.Format(
                "TokenRecord(Version={0}, AccessToken=<redacted>, RefreshToken=<redacted>, ExpiresAt={1:o}, RefreshExpiresAt={2}, "
                + "CanRefresh={3}, ReauthorizeBy={4}, ReauthorizationReason={5}, SellerId={6}, Country={7})",
                Version, ExpiresAt, Format(RefreshExpiresAt), CanRefresh, Format(ReauthorizeBy),
                ReauthorizationReason ?? "null", SellerId, Country);
        }

        private static string Format(DateTimeOffset? t)
        {
            return t.HasValue ? t.Value.ToString("o") : "null";
        }
    }
}
