using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;

namespace Iopkit
{
    /// <summary>
    /// A client for one EnOS API gateway and app over libiop: the API-management token service
    /// (<see cref="GetToken"/>, <see cref="RefreshToken"/>) and calls signed with the
    /// <c>apim-*</c> headers (<see cref="Call(string, string, string)"/>, <see cref="Sign(string, string)"/>).
    /// The encryption, signatures, timestamps, HTTP and JSON all happen in libiop; the app secret
    /// lives in the native client. Thread-safe: any number of threads may use one client at once,
    /// setters included. Dispose it when done (a finalizer frees it otherwise); after
    /// <see cref="Dispose"/> every method throws <see cref="ObjectDisposedException"/>, and calls
    /// already running finish first.
    /// <para>Errors: token-service failures throw <see cref="IopPlatformException"/> with the EnOS
    /// status as <see cref="IopException.ErrorCode"/> (<c>"1002"</c> unknown appKey, <c>"1003"</c>
    /// invalid encryption, <c>"1204"</c> refresh failed, …), an expired token
    /// <see cref="IopTokenExpiredException"/> (<c>"1203"</c>); <c>Call</c> returns any JSON answer,
    /// errors included, as an <see cref="IopResponse"/> (<c>IsError()</c> true unless <c>code</c>
    /// is 0). Transport failures throw the <see cref="IopException"/> subclass of their status. A
    /// null where a value is required throws <see cref="ArgumentNullException"/>; values libiop
    /// rejects (empty token, path without a leading <c>/</c>, unknown method, …) throw
    /// <see cref="IopInvalidArgumentException"/>.</para>
    /// </summary>
    public sealed class EnosClient : IDisposable
    {
        private readonly EnosClientHandle handle;

        /// <summary>
        /// A client for <paramref name="gatewayUrl"/> (<c>https://{apigw-address}</c>, no path
        /// needed; plain <c>http://</c> for loopback only) and the app's key and secret.
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="IopInvalidArgumentException">libiop rejected the URL, key or secret (e.g. empty).</exception>
        public EnosClient(string gatewayUrl, string appKey, string appSecret)
        {
            if (gatewayUrl == null)
            {
                throw new ArgumentNullException("gatewayUrl");
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
            EnosClientHandle h;
            int status = Native.iop_enos_client_new(Native.Utf8(gatewayUrl), Native.Utf8(appKey), Native.Utf8(appSecret), out h);
            if (status != 0)
            {
                IopException e = IopException.FromLastError(status);
                h.Dispose();
                throw e;
            }
            handle = h;
        }

        /// <summary>As <see cref="EnosClient(string, string, string)"/>, with the connect and read
        /// timeouts set (see <see cref="SetConnectTimeout"/>, <see cref="SetReadTimeout"/>).</summary>
        /// <exception cref="IopInvalidArgumentException">A timeout is not positive.</exception>
        public EnosClient(string gatewayUrl, string appKey, string appSecret, TimeSpan connectTimeout, TimeSpan readTimeout)
            : this(gatewayUrl, appKey, appSecret)
        {
            try
            {
                SetConnectTimeout(connectTimeout);
                SetReadTimeout(readTimeout);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        private EnosClientHandle Handle
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

        /// <summary>The native client, for <see cref="TokenManager.ForEnos"/>; throws
        /// <see cref="ObjectDisposedException"/> after <see cref="Dispose"/>.</summary>
        internal EnosClientHandle NativeHandle
        {
            get { return Handle; }
        }

        /// <summary>Sets the connect timeout (libiop's default 15 s; must be positive; rounded up to
        /// whole milliseconds).</summary>
        /// <exception cref="IopInvalidArgumentException"><paramref name="timeout"/> is not positive.</exception>
        public void SetConnectTimeout(TimeSpan timeout)
        {
            IopException.Check(Native.iop_enos_client_set_connect_timeout_ms(Handle, Millis(timeout)));
        }

        /// <summary>Sets the read timeout (libiop's default 30 s; must be positive), bounding each
        /// phase: sending, waiting for the response head, reading the body.</summary>
        /// <exception cref="IopInvalidArgumentException"><paramref name="timeout"/> is not positive.</exception>
        public void SetReadTimeout(TimeSpan timeout)
        {
            IopException.Check(Native.iop_enos_client_set_read_timeout_ms(Handle, Millis(timeout)));
        }

        /// <summary>Trusts the CA certificates in the PEM file at <paramref name="pemPath"/> instead of
        /// the built-in roots (private EnOS gateways). The file is read now. TLS verification
        /// cannot be turned off.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="pemPath"/> is null.</exception>
        /// <exception cref="IopInvalidArgumentException">The file cannot be read, is not PEM, or holds no certificate.</exception>
        public void SetCaBundle(string pemPath)
        {
            if (pemPath == null)
            {
                throw new ArgumentNullException("pemPath");
            }
            IopException.Check(Native.iop_enos_client_set_ca_bundle(Handle, Native.Utf8(pemPath)));
        }

        /// <summary>A timeout in whole milliseconds, rounded up; 0 (which libiop rejects) when not positive.</summary>
        private static ulong Millis(TimeSpan t)
        {
            return t <= TimeSpan.Zero ? 0UL : (ulong)Math.Ceiling(t.TotalMilliseconds);
        }

        /// <summary>Gets the app's access token (<c>/apim-token-service/v2.0/token/get</c>); the
        /// service returns the same token while it is valid. A replay rejection (1001) is retried
        /// once with a new timestamp.</summary>
        /// <exception cref="IopPlatformException">The service refused: <c>ErrorCode</c> <c>"1002"</c>
        /// (unknown appKey), <c>"1003"</c> (invalid encryption: wrong secret), ….</exception>
        public EnosToken GetToken()
        {
            EnosTokenHandle t;
            int status = Native.iop_enos_token_get(Handle, out t);
            using (t)
            {
                IopException.Check(status);
                return new EnosToken(t);
            }
        }

        /// <summary>Refreshes <paramref name="accessToken"/>
        /// (<c>/apim-token-service/v2.0/token/refresh</c>), giving the token to use from now on
        /// (which <see cref="GetToken"/> then returns).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="accessToken"/> is null.</exception>
        /// <exception cref="IopInvalidArgumentException"><paramref name="accessToken"/> is empty.</exception>
        /// <exception cref="IopTokenExpiredException">The token has expired (<c>"1203"</c>): call <see cref="GetToken"/>.</exception>
        /// <exception cref="IopPlatformException">Other refusals, e.g. <c>"1204"</c> (unknown token).</exception>
        public EnosToken RefreshToken(string accessToken)
        {
            if (accessToken == null)
            {
                throw new ArgumentNullException("accessToken");
            }
            EnosTokenHandle t;
            int status = Native.iop_enos_token_refresh(Handle, Native.Utf8(accessToken), out t);
            using (t)
            {
                IopException.Check(status);
                return new EnosToken(t);
            }
        }

        /// <summary>The <c>apim-*</c> headers for a call without a body to
        /// <paramref name="pathAndQuery"/>, at a fresh timestamp.</summary>
        public ApimHeaders Sign(string accessToken, string pathAndQuery)
        {
            return Sign(accessToken, pathAndQuery, (byte[])null, null);
        }

        /// <summary>The <c>apim-*</c> headers for a call with the JSON <paramref name="body"/>
        /// (sent as UTF-8; null for none) at <paramref name="timestamp"/> (null: a fresh,
        /// never-repeated one).</summary>
        public ApimHeaders Sign(string accessToken, string pathAndQuery, string body, DateTimeOffset? timestamp)
        {
            return Sign(accessToken, pathAndQuery, Native.Utf8Bytes(body), timestamp);
        }

        /// <summary>
        /// The <c>apim-*</c> headers of a call: <paramref name="pathAndQuery"/> is the path (or the
        /// full URL) with its query, <paramref name="body"/> the exact bytes that will be sent
        /// (null for none), <paramref name="timestamp"/> the signing time (null: a fresh,
        /// never-repeated one). For sending the request with an HTTP client of your own;
        /// <see cref="Call(string, string, string)"/> does all of it.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="accessToken"/> or <paramref name="pathAndQuery"/> is null.</exception>
        /// <exception cref="IopInvalidArgumentException">An empty token, or a timestamp not after 1970.</exception>
        public ApimHeaders Sign(string accessToken, string pathAndQuery, byte[] body, DateTimeOffset? timestamp)
        {
            if (accessToken == null)
            {
                throw new ArgumentNullException("accessToken");
            }
            if (pathAndQuery == null)
            {
                throw new ArgumentNullException("pathAndQuery");
            }
            // 0 asks libiop for a fresh timestamp; an explicit instant at or before the epoch is
            // passed as -1 so that libiop rejects it instead of silently signing "now".
            long ms = 0;
            if (timestamp.HasValue)
            {
                ms = timestamp.Value.ToUnixTimeMilliseconds();
                if (ms <= 0)
                {
                    ms = -1;
                }
            }
            UIntPtr len;
            byte[] b = Native.Body(body, out len);
            long signedAt;
            IntPtr signature = IntPtr.Zero;
            try
            {
                int status = Native.iop_enos_sign(Handle, Native.Utf8(accessToken), Native.Utf8(pathAndQuery), b, len, ms,
                    out signedAt, out signature);
                IopException.Check(status);
                return new ApimHeaders(accessToken, signedAt, Native.TakeOwned(ref signature));
            }
            finally
            {
                // Only reached with a non-zero pointer if decoding it threw.
                if (signature != IntPtr.Zero)
                {
                    Native.iop_string_free(signature);
                }
            }
        }

        /// <summary>Signs (fresh timestamp) and sends a call without a body:
        /// <paramref name="method"/> (<c>GET</c>, <c>POST</c>, <c>PUT</c>, <c>PATCH</c>,
        /// <c>DELETE</c>) to <paramref name="pathAndQuery"/> (starting with <c>/</c>) on the gateway.
        /// Any JSON answer is returned, errors included (e.g. HTTP 401 with <c>code</c> 1003).</summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        public IopResponse Call(string method, string pathAndQuery, string accessToken)
        {
            return Call(method, pathAndQuery, (byte[])null, accessToken);
        }

        /// <summary>As <see cref="Call(string, string, byte[], string)"/> with a JSON text body
        /// sent as UTF-8 (null for none).</summary>
        public IopResponse Call(string method, string pathAndQuery, string body, string accessToken)
        {
            return Call(method, pathAndQuery, Native.Utf8Bytes(body), accessToken);
        }

        /// <summary>
        /// Signs (fresh timestamp) and sends a call: <paramref name="method"/> (<c>GET</c>,
        /// <c>POST</c>, <c>PUT</c>, <c>PATCH</c>, <c>DELETE</c>) to <paramref name="pathAndQuery"/>
        /// (starting with <c>/</c>) on the gateway, with <paramref name="body"/> sent byte for byte
        /// as JSON (null for none; GET and DELETE take none). Any JSON answer is returned as an
        /// <see cref="IopResponse"/>: success is <c>code</c> 0, errors have <c>IsError()</c> true
        /// with <c>Code</c> (<c>"1003"</c>, <c>"1203"</c>, …), <c>Message</c>, <c>RequestId</c> and
        /// <c>HttpStatus</c>.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="method"/>, <paramref name="pathAndQuery"/> or <paramref name="accessToken"/> is null.</exception>
        /// <exception cref="IopInvalidArgumentException">An empty token, an unknown method, a path without <c>/</c>, a body on GET.</exception>
        /// <exception cref="IopMalformedResponseException">The answer is not a JSON object.</exception>
        public IopResponse Call(string method, string pathAndQuery, byte[] body, string accessToken)
        {
            if (method == null)
            {
                throw new ArgumentNullException("method");
            }
            if (pathAndQuery == null)
            {
                throw new ArgumentNullException("pathAndQuery");
            }
            if (accessToken == null)
            {
                throw new ArgumentNullException("accessToken");
            }
            UIntPtr len;
            byte[] b = Native.Body(body, out len);
            ResponseHandle resp;
            int status = Native.iop_enos_call(Handle, Native.Utf8(accessToken), Native.Utf8(method), Native.Utf8(pathAndQuery),
                b, len, out resp);
            using (resp)
            {
                IopException.Check(status);
                return new IopResponse(resp);
            }
        }

        /// <summary>Frees the native client. Safe to call more than once.</summary>
        public void Dispose()
        {
            if (handle != null)
            {
                handle.Dispose();
            }
        }
    }

    /// <summary>
    /// An EnOS access token and its absolute expiry, from <see cref="EnosClient.GetToken"/> or
    /// <see cref="EnosClient.RefreshToken"/>. Immutable and shareable; copied out of the native
    /// token, which is freed at once. <see cref="ToString"/> redacts the token.
    /// </summary>
    public sealed class EnosToken
    {
        internal EnosToken(EnosTokenHandle h)
        {
            AccessToken = Native.FromUtf8(Native.iop_enos_token_access_token(h)) ?? string.Empty;
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(Native.iop_enos_token_expires_at_ms(h));
        }

        /// <summary>A token kept from earlier (e.g. read back from a cache).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="accessToken"/> is null.</exception>
        public EnosToken(string accessToken, DateTimeOffset expiresAt)
        {
            if (accessToken == null)
            {
                throw new ArgumentNullException("accessToken");
            }
            AccessToken = accessToken;
            ExpiresAt = expiresAt;
        }

        /// <summary>The access token (a secret): sent as <c>apim-accesstoken</c>.</summary>
        public string AccessToken { get; private set; }

        /// <summary>When the access token expires: the time it was received plus the service's <c>expire</c>.</summary>
        public DateTimeOffset ExpiresAt { get; private set; }

        /// <summary>A summary with the token redacted.</summary>
        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "EnosToken(AccessToken=<redacted>, ExpiresAt={0:o})", ExpiresAt);
        }
    }

    /// <summary>
    /// The three headers that authenticate an EnOS API call, from <see cref="EnosClient.Sign(string, string)"/>:
    /// send <see cref="Headers"/> (or each value under its <c>…Header</c> name) with the request
    /// whose path, query and body were signed. Immutable. <see cref="ToString"/> redacts the token.
    /// </summary>
    public sealed class ApimHeaders
    {
        /// <summary>The header carrying the access token.</summary>
        public const string AccessTokenHeader = "apim-accesstoken";

        /// <summary>The header carrying the signing time (epoch milliseconds).</summary>
        public const string TimestampHeader = "apim-timestamp";

        /// <summary>The header carrying the signature.</summary>
        public const string SignatureHeader = "apim-signature";

        internal ApimHeaders(string accessToken, long timestampMs, string signature)
        {
            AccessToken = accessToken;
            TimestampMs = timestampMs;
            Signature = signature;
            Dictionary<string, string> d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                { AccessTokenHeader, accessToken },
                { TimestampHeader, timestampMs.ToString(CultureInfo.InvariantCulture) },
                { SignatureHeader, signature },
            };
            Headers = new ReadOnlyDictionary<string, string>(d);
        }

        /// <summary><c>apim-accesstoken</c>: the access token that was signed (a secret).</summary>
        public string AccessToken { get; private set; }

        /// <summary><c>apim-timestamp</c>: the signing time in epoch milliseconds.</summary>
        public long TimestampMs { get; private set; }

        /// <summary>The signing time as an instant.</summary>
        public DateTimeOffset Timestamp
        {
            get { return DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs); }
        }

        /// <summary><c>apim-signature</c>: lower-case hex SHA-256.</summary>
        public string Signature { get; private set; }

        /// <summary>The three headers by their exact names (<c>apim-accesstoken</c>,
        /// <c>apim-timestamp</c>, <c>apim-signature</c>); lookups ignore case.</summary>
        public IReadOnlyDictionary<string, string> Headers { get; private set; }

        /// <summary>A summary with the token redacted.</summary>
        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "ApimHeaders(apim-accesstoken=<redacted>, apim-timestamp={0}, apim-signature={1})",
                TimestampMs, Signature);
        }
    }
}
