using System;

namespace Iopkit
{
    /// <summary>
    /// Which protocol a call uses (as the AliExpress .NET SDK's <c>GopProtocolEnum</c>).
    /// Overloads without it let libiop pick: GOP for path-style API names (<c>/auth/token/create</c>),
    /// TOP for dotted ones (<c>aliexpress.ds.category.get</c>).
    /// </summary>
    public enum GopProtocolEnum
    {
        /// <summary>Path-style APIs: URL <c>…/rest&lt;api&gt;</c>, the path prefixes the string to sign.</summary>
        GOP = 1,
        /// <summary>Dotted method names: URL <c>&lt;host&gt;/sync</c>, token sent as <c>session</c>.</summary>
        TOP = 2,
    }

    /// <summary>The client interface of the official .NET SDKs, plus the typed token helpers.</summary>
    public interface IIopClient : IDisposable
    {
        /// <summary>Signs and sends <paramref name="request"/> without an access token.</summary>
        IopResponse Execute(IopRequest request);

        /// <summary>Signs and sends <paramref name="request"/> with <paramref name="accessToken"/> (null for none).</summary>
        IopResponse Execute(IopRequest request, string accessToken);

        /// <summary>Signs and sends <paramref name="request"/> with the given protocol.</summary>
        IopResponse Execute(IopRequest request, GopProtocolEnum protocol);

        /// <summary>Signs and sends <paramref name="request"/> with a token and the given protocol.</summary>
        IopResponse Execute(IopRequest request, string accessToken, GopProtocolEnum protocol);

        /// <summary>Exchanges a one-time authorization code for a token.</summary>
        Token CreateToken(string code);

        /// <summary>Refreshes a token; the returned token carries a new refresh token.</summary>
        Token RefreshToken(string refreshToken);
    }

    /// <summary>
    /// A client for one gateway and app over libiop: connection pool, settings and secret live in
    /// the native client. Thread-safe: any number of threads may call <c>Execute</c>, the token
    /// helpers and the setters at once (a call keeps the settings it started with). Dispose it when
    /// done (a finalizer frees it otherwise); after <see cref="Dispose()"/> every method throws
    /// <see cref="ObjectDisposedException"/>, and calls already running finish first.
    /// <para>Errors: a platform error from <c>Execute</c> is a normal <see cref="IopResponse"/>
    /// whose <c>IsError()</c> is true, as in the official SDKs; transport failures throw the
    /// <see cref="IopException"/> subclass of their status. The token helpers throw
    /// <see cref="IopPlatformException"/> for platform errors. A null where a value is required
    /// throws <see cref="ArgumentNullException"/> before any native call; values libiop rejects
    /// throw <see cref="IopInvalidArgumentException"/>.</para>
    /// </summary>
    public class IopClient : IIopClient
    {
        private readonly ClientHandle handle;

        /// <summary>
        /// A client for <paramref name="serverUrl"/>: a base ending in <c>/rest</c>
        /// (<see cref="UrlConstants.API_GATEWAY_URL_TW"/>) or a bare host
        /// (<c>https://api-sg.aliexpress.com</c>). Plain <c>http://</c> is accepted for loopback only
        /// unless <see cref="SetAllowInsecureHttp"/> is called.
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="IopInvalidArgumentException">libiop rejected the URL, key or secret.</exception>
        public IopClient(string serverUrl, string appKey, string appSecret)
        {
            if (serverUrl == null)
            {
                throw new ArgumentNullException("serverUrl");
            }
            if (appKey == null)
            {
                throw new ArgumentNullException("appKey");
            }
            if (appSecret == null)
            {
                throw new ArgumentNullException("appSecret");
            }
            Native.EnsureCompatible();
            ClientHandle h;
            int status = Native.iop_client_new(Native.Utf8(serverUrl), Native.Utf8(appKey), Native.Utf8(appSecret), out h);
            if (status != 0)
            {
                IopException e = IopException.FromLastError(status);
                h.Dispose();
                throw e;
            }
            handle = h;
        }

        /// <summary>The version of the loaded libiop, e.g. <c>"0.1.0"</c>.</summary>
        public static string NativeVersion
        {
            get { return Native.LoadedVersion; }
        }

        private ClientHandle Handle
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

        /// <summary>The native client, for <see cref="TokenManager"/>; throws
        /// <see cref="ObjectDisposedException"/> after <see cref="Dispose()"/>.</summary>
        internal ClientHandle NativeHandle
        {
            get { return Handle; }
        }

        /// <summary>Sets the connect timeout in milliseconds (libiop's default 15000; must be &gt; 0).
        /// The official SDK's <c>SetTimeout</c> also takes milliseconds.</summary>
        /// <exception cref="IopInvalidArgumentException"><paramref name="timeout"/> ≤ 0.</exception>
        public void SetTimeout(int timeout)
        {
            IopException.Check(Native.iop_client_set_connect_timeout_ms(Handle, timeout <= 0 ? 0UL : (ulong)timeout));
        }

        /// <summary>Sets the read timeout in milliseconds (libiop's default 30000; must be &gt; 0). It
        /// bounds each phase: sending the request, waiting for the response head, reading the body.
        /// The official SDK's <c>SetReadWriteTimeout</c> also takes milliseconds.</summary>
        /// <exception cref="IopInvalidArgumentException"><paramref name="readWriteTimeout"/> ≤ 0.</exception>
        public void SetReadWriteTimeout(int readWriteTimeout)
        {
            IopException.Check(Native.iop_client_set_read_timeout_ms(Handle, readWriteTimeout <= 0 ? 0UL : (ulong)readWriteTimeout));
        }

        /// <summary>Sets the <c>partner_id</c> sent with every call (default <c>iopkit-&lt;version&gt;</c>).</summary>
        public void SetPartnerId(string partnerId)
        {
            if (partnerId == null)
            {
                throw new ArgumentNullException("partnerId");
            }
            IopException.Check(Native.iop_client_set_partner_id(Handle, Native.Utf8(partnerId)));
        }

        /// <summary>Trusts the CA certificates in the PEM file at <paramref name="pemPath"/> instead of
        /// the built-in roots (TLS-intercepting proxies, private gateways). Verification cannot be
        /// turned off.</summary>
        public void SetCaBundle(string pemPath)
        {
            if (pemPath == null)
            {
                throw new ArgumentNullException("pemPath");
            }
            IopException.Check(Native.iop_client_set_ca_bundle(Handle, Native.Utf8(pemPath)));
        }

        /// <summary>Allows plain <c>http://</c> to hosts other than loopback (never advisable).</summary>
        public void SetAllowInsecureHttp(bool allow)
        {
            IopException.Check(Native.iop_client_set_allow_insecure_http(Handle, allow));
        }

        /// <summary>Sets the largest response body accepted, in bytes (default 8 MiB; must be &gt; 0).</summary>
        public void SetMaxResponseBytes(long maxBytes)
        {
            IopException.Check(Native.iop_client_set_max_response_bytes(Handle, maxBytes <= 0 ? 0UL : (ulong)maxBytes));
        }

        /// <summary>
        /// Sets how many times a call is re-sent after a connect failure (the connection could not
        /// be made, so the request never reached the server): default 2, at most 10, 0 turns
        /// retries off. Each retry is signed afresh, after 100 ms doubling up to 1 s. Nothing else
        /// is ever retried (a timeout or reset may have reached the server), so a code or refresh
        /// token is never spent twice.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="retries"/> is negative.</exception>
        /// <exception cref="IopInvalidArgumentException"><paramref name="retries"/> is over libiop's limit (10).</exception>
        public void SetMaxConnectRetries(int retries)
        {
            if (retries < 0)
            {
                throw new ArgumentOutOfRangeException("retries", retries, "must be 0 or more");
            }
            IopException.Check(Native.iop_client_set_max_connect_retries(Handle, (uint)retries));
        }

        /// <inheritdoc />
        public IopResponse Execute(IopRequest request)
        {
            return Execute(request, null, 0);
        }

        /// <inheritdoc />
        public IopResponse Execute(IopRequest request, string accessToken)
        {
            return Execute(request, accessToken, 0);
        }

        /// <inheritdoc />
        public IopResponse Execute(IopRequest request, GopProtocolEnum protocol)
        {
            return Execute(request, null, (int)protocol);
        }

        /// <inheritdoc />
        public IopResponse Execute(IopRequest request, string accessToken, GopProtocolEnum protocol)
        {
            return Execute(request, accessToken, (int)protocol);
        }

        private IopResponse Execute(IopRequest request, string accessToken, int protocol)
        {
            if (request == null)
            {
                throw new ArgumentNullException("request");
            }
            ClientHandle client = Handle;
            using (RequestHandle req = request.ToNative())
            {
                ResponseHandle resp;
                int status = Native.iop_client_execute(client, req, Native.Utf8(accessToken), protocol, out resp);
                using (resp)
                {
                    IopException.Check(status);
                    return new IopResponse(resp);
                }
            }
        }

        /// <summary>Exchanges a one-time authorization <paramref name="code"/> (from the OAuth
        /// redirect) for a token (<c>/auth/token/create</c>, GOP).</summary>
        /// <exception cref="IopPlatformException">The platform refused (e.g. <c>InvalidCode</c>).</exception>
        public Token CreateToken(string code)
        {
            if (code == null)
            {
                throw new ArgumentNullException("code");
            }
            TokenHandle t;
            int status = Native.iop_token_create(Handle, Native.Utf8(code), out t);
            using (t)
            {
                IopException.Check(status);
                return new Token(t);
            }
        }

        /// <summary>Refreshes a token (<c>/auth/token/refresh</c>, GOP). The new token's refresh
        /// token replaces the old one, which is dead from now on: store it first.</summary>
        /// <exception cref="IopPlatformException">The platform refused: <c>IllegalRefreshToken</c>
        /// (the seller must authorize again), <c>AUTH_TYPE_UNSUPPORTED</c>, ….</exception>
        public Token RefreshToken(string refreshToken)
        {
            if (refreshToken == null)
            {
                throw new ArgumentNullException("refreshToken");
            }
            TokenHandle t;
            int status = Native.iop_token_refresh(Handle, Native.Utf8(refreshToken), out t);
            using (t)
            {
                IopException.Check(status);
                return new Token(t);
            }
        }

        /// <summary>
        /// What <c>Execute</c> would sign at <paramref name="timestamp"/>: the exact string to sign
        /// (contains parameter values, tokens included; never the secret) and the signature.
        /// <paramref name="protocol"/> null lets libiop pick by the API name.
        /// </summary>
        public IopSignature Sign(IopRequest request, string accessToken, GopProtocolEnum? protocol, DateTimeOffset timestamp)
        {
            if (request == null)
            {
                throw new ArgumentNullException("request");
            }
            ClientHandle client = Handle;
            using (RequestHandle req = request.ToNative())
            {
                IntPtr signString = IntPtr.Zero, sign = IntPtr.Zero;
                try
                {
                    int status = Native.iop_client_sign(client, req, Native.Utf8(accessToken),
                        protocol.HasValue ? (int)protocol.Value : 0, timestamp.ToUnixTimeMilliseconds(), out signString, out sign);
                    IopException.Check(status);
                    string s = Native.TakeOwned(ref signString);
                    string g = Native.TakeOwned(ref sign);
                    return new IopSignature(s, g);
                }
                finally
                {
                    // Only reached with non-zero pointers if decoding the first one threw.
                    if (signString != IntPtr.Zero)
                    {
                        Native.iop_string_free(signString);
                    }
                    if (sign != IntPtr.Zero)
                    {
                        Native.iop_string_free(sign);
                    }
                }
            }
        }

        /// <summary>Frees the native client. Safe to call more than once.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>Frees the native client (the SafeHandle's own finalizer covers the other path).</summary>
        protected virtual void Dispose(bool disposing)
        {
            if (disposing && handle != null)
            {
                handle.Dispose();
            }
        }
    }

    /// <summary>The result of <see cref="IopClient.Sign"/>.</summary>
    public sealed class IopSignature
    {
        internal IopSignature(string stringToSign, string signature)
        {
            StringToSign = stringToSign;
            Signature = signature;
        }

        /// <summary>The exact string that is signed (may contain tokens).</summary>
        public string StringToSign { get; private set; }

        /// <summary>The upper-case hex HMAC-SHA256 signature.</summary>
        public string Signature { get; private set; }
    }
}
