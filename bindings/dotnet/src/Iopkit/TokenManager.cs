using System;
using System.Threading;
using System.Threading.Tasks;

namespace Iopkit
{
    /// <summary>
    /// Always-valid access tokens for one account (a seller of an IOP app, or an EnOS app), kept in
    /// a <see cref="TokenStore"/>. <see cref="AccessToken"/> returns a token valid for more than the
    /// refresh margin, refreshing first when needed (one refresh per expiry window, the new pair
    /// stored before it is returned); all of it happens in libiop. Thread-safe: share one manager
    /// per account. Dispose it when done (a finalizer frees it otherwise).
    /// <para>When the seller must authorize the app again and the stored access token has expired,
    /// calls throw <see cref="IopReauthorizationRequiredException"/>. A failed
    /// <see cref="CallbackTokenStore"/> callback is an <see cref="IopInternalException"/> whose
    /// <see cref="Exception.InnerException"/> is the callback's exception.</para>
    /// </summary>
    public sealed class TokenManager : IDisposable
    {
        private readonly TokenManagerHandle handle;

        /// <summary>
        /// A manager for the seller <paramref name="account"/> (any stable key, e.g. the seller id)
        /// of the IOP app of <paramref name="client"/>, keeping tokens in <paramref name="store"/>.
        /// Seed it once with <see cref="CreateToken"/> or <see cref="StoreGrant"/>. The manager keeps
        /// the native client and store alive: disposing their wrappers first is fine.
        /// </summary>
        /// <param name="client">The app's client (its gateway is used for refreshes).</param>
        /// <param name="store">Where the account's tokens are kept.</param>
        /// <param name="account">The account's key in the store; not empty.</param>
        /// <param name="refreshMargin">Refresh when less than this is left (rounded up to whole
        /// milliseconds); null: <see cref="IopConstants.DefaultRefreshMarginMs"/>.</param>
        /// <exception cref="IopInvalidArgumentException">A null or empty account, or a negative margin.</exception>
        public TokenManager(IopClient client, TokenStore store, string account, TimeSpan? refreshMargin = null)
            : this(store, account, Native.TokenManagerNew(NotNull(client, "client").Handle, NotNull(store, "store").Handle, account,
                Margin(refreshMargin)))
        {
        }

        private TokenManager(TokenStore store, string account, TokenManagerHandle h)
        {
            // The native manager calls the store for as long as it lives, even after the store's
            // wrapper is disposed or collected: keep a callback store's delegates reachable.
            h.Roots = store;
            handle = h;
            Account = account;
            Store = store;
        }

        /// <summary>
        /// A manager for the EnOS app of <paramref name="client"/>, its token kept under
        /// <paramref name="account"/> in <paramref name="store"/>. No seeding: the first
        /// <see cref="AccessToken"/> gets a token, later ones refresh it before it expires.
        /// </summary>
        public static TokenManager ForEnos(EnosClient client, TokenStore store, string account, TimeSpan? refreshMargin = null)
        {
            return new TokenManager(store, account, Native.TokenManagerNewEnos(NotNull(client, "client").Handle,
                NotNull(store, "store").Handle, account, Margin(refreshMargin)));
        }

        private static T NotNull<T>(T value, string name) where T : class
        {
            if (value == null)
            {
                throw new ArgumentNullException(name);
            }
            return value;
        }

        private static long Margin(TimeSpan? margin)
        {
            if (!margin.HasValue)
            {
                return IopConstants.UseDefault;
            }
            return margin.Value < TimeSpan.Zero ? -2 : (long)Math.Ceiling(margin.Value.TotalMilliseconds);
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

        /// <summary>
        /// An access token valid for more than the refresh margin, refreshing (and storing the new
        /// pair) first when needed. When a refresh fails for a passing reason (network, timeout)
        /// the stored token is returned while it has not expired.
        /// </summary>
        /// <exception cref="IopReauthorizationRequiredException">Nothing is stored, or the grant is
        /// dead and its access token has expired: send the seller to the authorization page.</exception>
        public string AccessToken()
        {
            return Native.TokenManagerGetAccessToken(Handle);
        }

        /// <summary><see cref="AccessToken"/> on the thread pool. Cancelling completes the task as
        /// canceled at once; a refresh already under way still finishes on its thread and stores the
        /// new pair, so nothing is lost.</summary>
        public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            TokenManagerHandle h = Handle;
            return NativeAsync.Run(() => Native.TokenManagerGetAccessToken(h), cancellationToken);
        }

        /// <summary><see cref="CreateToken"/> on the thread pool; cancelling as for
        /// <see cref="GetAccessTokenAsync"/> (a grant obtained is stored all the same).</summary>
        public Task CreateTokenAsync(string code, CancellationToken cancellationToken = default(CancellationToken))
        {
            TokenManagerHandle h = Handle;
            return NativeAsync.Run(() =>
            {
                Native.TokenManagerCreateToken(h, code);
                return true;
            }, cancellationToken);
        }

        /// <summary>Exchanges an authorization <paramref name="code"/> for a token and stores it as the
        /// account's grant, replacing what was stored. IOP managers only.</summary>
        /// <exception cref="IopPlatformException">The platform refused (e.g. <c>InvalidCode</c>).</exception>
        public void CreateToken(string code)
        {
            Native.TokenManagerCreateToken(Handle, code);
        }

        /// <summary>Stores <paramref name="token"/> (from <see cref="IopClient.CreateToken"/>,
        /// <see cref="Token.Parse"/> or <see cref="Token.FromJson"/>) as the account's grant.</summary>
        public void StoreGrant(Token token)
        {
            using (TokenHandle t = NotNull(token, "token").ToNative())
            {
                Native.TokenManagerStoreGrant(Handle, t);
            }
        }

        /// <summary>The account's stored record as libiop's JSON (<c>version</c>, <c>access_token</c>,
        /// <c>refresh_token</c>, <c>expires_at_ms</c>, <c>reauthorization_reason</c>,
        /// <c>reauthorize_by_ms</c>, …; it holds the tokens), or null when nothing is stored.</summary>
        public string LoadRecord()
        {
            string json = Native.TokenManagerLoadRecord(Handle);
            return json == "null" ? null : json;
        }

        /// <summary>Frees the native manager. Safe to call more than once.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }
    }
}
