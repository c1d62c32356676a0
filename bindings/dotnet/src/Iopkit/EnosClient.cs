using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace Iopkit
{
    /// <summary>
    /// A client for one EnOS API gateway and app over libiop: the API-management token service
    /// (<see cref="GetToken"/>, <see cref="RefreshToken"/>) and calls signed with the <c>apim-*</c>
    /// headers (<see cref="Call(string, string, string)"/>, <see cref="Sign(string, string)"/>);
    /// settings and lifetime as <see cref="IopClientBase"/>. Token-service failures throw
    /// <see cref="IopPlatformException"/> with the EnOS status as <see cref="IopException.ErrorCode"/>
    /// (<c>"1003"</c> invalid encryption, …), an expired token <see cref="IopTokenExpiredException"/>
    /// (<c>"1203"</c>); <c>Call</c> returns any JSON answer, errors included, as an <see cref="IopResponse"/>.
    /// </summary>
    public sealed class EnosClient : IopClientBase
    {
        /// <summary>A client for <paramref name="gatewayUrl"/> (<c>https://{apigw-address}</c>, no path
        /// needed; plain <c>http://</c> for loopback only) and the app's key and secret.</summary>
        /// <exception cref="IopInvalidArgumentException">A null or empty URL, key or secret.</exception>
        public EnosClient(string gatewayUrl, string appKey, string appSecret)
            : base(config => Native.EnosClientNew(gatewayUrl, appKey, appSecret, config))
        {
        }

        /// <summary>As <see cref="EnosClient(string, string, string)"/>, with the connect and read timeouts set.</summary>
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
                Dispose();
                throw;
            }
        }

        internal EnosClientHandle Handle
        {
            get { return Live<EnosClientHandle>(); }
        }

        internal override void Configure(ConfigHandle settings)
        {
            Native.EnosClientConfigure(Handle, settings);
        }

        /// <summary>Gets the app's access token (<c>/apim-token-service/v2.0/token/get</c>); the service
        /// returns the same token while it is valid.</summary>
        public EnosToken GetToken()
        {
            using (EnosTokenHandle t = Native.EnosTokenGet(Handle))
            {
                return new EnosToken(t);
            }
        }

        /// <summary>Refreshes <paramref name="accessToken"/>, giving the token to use from now on.</summary>
        /// <exception cref="IopTokenExpiredException">The token has expired: call <see cref="GetToken"/>.</exception>
        public EnosToken RefreshToken(string accessToken)
        {
            using (EnosTokenHandle t = Native.EnosTokenRefresh(Handle, accessToken))
            {
                return new EnosToken(t);
            }
        }

        /// <summary>The <c>apim-*</c> headers for a call without a body, at a fresh timestamp.</summary>
        public ApimHeaders Sign(string accessToken, string pathAndQuery)
        {
            return Sign(accessToken, pathAndQuery, (byte[])null, null);
        }

        /// <summary>As <see cref="Sign(string, string, byte[], DateTimeOffset?)"/> with a JSON text body sent as UTF-8.</summary>
        public ApimHeaders Sign(string accessToken, string pathAndQuery, string body, DateTimeOffset? timestamp)
        {
            return Sign(accessToken, pathAndQuery, Native.Utf8Bytes(body), timestamp);
        }

        /// <summary>
        /// The <c>apim-*</c> headers of a call: <paramref name="pathAndQuery"/> is the path (or full
        /// URL) with its query, <paramref name="body"/> the exact bytes that will be sent (null for
        /// none), <paramref name="timestamp"/> the signing time (null: a fresh, never-repeated one).
        /// </summary>
        public ApimHeaders Sign(string accessToken, string pathAndQuery, byte[] body, DateTimeOffset? timestamp)
        {
            long signedAt;
            string signature;
            Native.EnosClientSign(Handle, accessToken, pathAndQuery, body, Native.Millis(timestamp), out signedAt, out signature);
            return new ApimHeaders(accessToken, signedAt, signature);
        }

        /// <summary>Signs (fresh timestamp) and sends a call without a body.</summary>
        public IopResponse Call(string method, string pathAndQuery, string accessToken)
        {
            return Call(method, pathAndQuery, (byte[])null, accessToken);
        }

        /// <summary>As <see cref="Call(string, string, byte[], string)"/> with a JSON text body sent as UTF-8.</summary>
        public IopResponse Call(string method, string pathAndQuery, string body, string accessToken)
        {
            return Call(method, pathAndQuery, Native.Utf8Bytes(body), accessToken);
        }

        /// <summary>
        /// Signs (fresh timestamp) and sends <paramref name="method"/> (<c>GET</c>, <c>POST</c>,
        /// <c>PUT</c>, <c>PATCH</c>, <c>DELETE</c>) to <paramref name="pathAndQuery"/> on the gateway
        /// with <paramref name="body"/> sent byte for byte as JSON (null for none). Any JSON answer is
        /// returned: success is <c>code</c> 0, errors have <c>IsError()</c> true.
        /// </summary>
        public IopResponse Call(string method, string pathAndQuery, byte[] body, string accessToken)
        {
            return new IopResponse(Native.EnosClientExecute(Handle, accessToken, method, pathAndQuery, body));
        }

        /// <summary><see cref="GetToken"/> on the thread pool. Cancelling completes the task as canceled
        /// at once; the native call ends on its thread (within the timeouts) and its result is dropped.</summary>
        public Task<EnosToken> GetTokenAsync(CancellationToken cancellationToken = default(CancellationToken))
        {
            EnosClientHandle client = Handle;
            return NativeAsync.Run(() => Take(Native.EnosTokenGet(client)), cancellationToken);
        }

        /// <summary><see cref="RefreshToken"/> on the thread pool; cancelling as for <see cref="GetTokenAsync"/>.</summary>
        public Task<EnosToken> RefreshTokenAsync(string accessToken, CancellationToken cancellationToken = default(CancellationToken))
        {
            EnosClientHandle client = Handle;
            return NativeAsync.Run(() => Take(Native.EnosTokenRefresh(client, accessToken)), cancellationToken);
        }

        /// <summary><see cref="Call(string, string, byte[], string)"/> on the thread pool; cancelling as for
        /// <see cref="GetTokenAsync"/> (the response of a cancelled call is freed when it ends).</summary>
        public Task<IopResponse> CallAsync(string method, string pathAndQuery, byte[] body, string accessToken,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            EnosClientHandle client = Handle;
            return NativeAsync.Run(() => new IopResponse(Native.EnosClientExecute(client, accessToken, method, pathAndQuery, body)),
                cancellationToken, r => r.Release());
        }

        /// <summary>As <see cref="CallAsync(string, string, byte[], string, CancellationToken)"/> without a body.</summary>
        public Task<IopResponse> CallAsync(string method, string pathAndQuery, string accessToken,
            CancellationToken cancellationToken = default(CancellationToken))
            => CallAsync(method, pathAndQuery, (byte[])null, accessToken, cancellationToken);

        /// <summary>As <see cref="CallAsync(string, string, byte[], string, CancellationToken)"/> with a JSON
        /// text body sent as UTF-8 (null for none).</summary>
        public Task<IopResponse> CallAsync(string method, string pathAndQuery, string body, string accessToken,
            CancellationToken cancellationToken = default(CancellationToken))
            => CallAsync(method, pathAndQuery, Native.Utf8Bytes(body), accessToken, cancellationToken);

        private static EnosToken Take(EnosTokenHandle h)
        {
            using (h)
            {
                return new EnosToken(h);
            }
        }
    }

    /// <summary>An EnOS access token and its absolute expiry. Immutable; <see cref="ToString"/> redacts the token.</summary>
    public sealed class EnosToken
    {
        internal EnosToken(EnosTokenHandle h)
            : this(Native.EnosTokenAccessToken(h) ?? string.Empty, Native.Instant(Native.EnosTokenExpiresAtMs(h)))
        {
        }

        /// <summary>A token kept from earlier (e.g. read back from a cache).</summary>
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

        /// <summary>When the access token expires.</summary>
        public DateTimeOffset ExpiresAt { get; private set; }

        /// <summary>A summary with the token redacted.</summary>
        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "EnosToken(AccessToken=<redacted>, ExpiresAt={0:o})", ExpiresAt);
        }
    }

    /// <summary>The three headers that authenticate an EnOS API call (<see cref="EnosClient.Sign(string, string)"/>).
    /// Immutable; <see cref="ToString"/> redacts the token.</summary>
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
            Headers = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                { AccessTokenHeader, accessToken },
                { TimestampHeader, timestampMs.ToString(CultureInfo.InvariantCulture) },
                { SignatureHeader, signature },
            });
        }

        /// <summary><c>apim-accesstoken</c>: the access token that was signed (a secret).</summary>
        public string AccessToken { get; private set; }

        /// <summary><c>apim-timestamp</c>: the signing time in epoch milliseconds.</summary>
        public long TimestampMs { get; private set; }

        /// <summary>The signing time as an instant.</summary>
        public DateTimeOffset Timestamp
        {
            get { return Native.Instant(TimestampMs); }
        }

        /// <summary><c>apim-signature</c>: lower-case hex SHA-256.</summary>
        public string Signature { get; private set; }

        /// <summary>The three headers by their exact names; lookups ignore case.</summary>
        public IReadOnlyDictionary<string, string> Headers { get; private set; }

        /// <summary>A summary with the token redacted.</summary>
        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "ApimHeaders(apim-accesstoken=<redacted>, apim-timestamp={0}, apim-signature={1})",
                TimestampMs, Signature);
        }
    }
}
