using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Iopkit
{
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
    /// A client for one gateway and app over libiop (connection pool, settings and secret live in
    /// the native client); settings and lifetime as <see cref="IopClientBase"/>. A platform error
    /// from <c>Execute</c> is a normal <see cref="IopResponse"/> whose <c>IsError()</c> is true, as
    /// in the official SDKs; transport failures throw the <see cref="IopException"/> subclass of
    /// their status; the token helpers throw <see cref="IopPlatformException"/> for platform errors.
    /// </summary>
    public class IopClient : IopClientBase, IIopClient
    {
        /// <summary>
        /// A client for <paramref name="serverUrl"/>: a base ending in <c>/rest</c>
        /// (<see cref="UrlConstants.API_GATEWAY_URL_TW"/>) or a bare host
        /// (<c>https://api-sg.aliexpress.com</c>). Plain <c>http://</c> is accepted for loopback only
        /// unless <see cref="IopClientBase.SetAllowInsecureHttp"/> is called.
        /// </summary>
        /// <exception cref="IopInvalidArgumentException">A null or empty URL, key or secret, or a URL libiop rejects.</exception>
        public IopClient(string serverUrl, string appKey, string appSecret)
            : base(config => Native.ClientNew(serverUrl, appKey, appSecret, config))
        {
        }

        internal ClientHandle Handle => Live<ClientHandle>();

        internal override void Configure(ConfigHandle settings) => Native.ClientConfigure(Handle, settings);

        /// <summary>The official SDK's name for <see cref="IopClientBase.SetConnectTimeoutMs"/> (milliseconds).</summary>
        public void SetTimeout(int timeout) => SetConnectTimeoutMs(timeout);

        /// <summary>The official SDK's name for <see cref="IopClientBase.SetReadTimeoutMs"/> (milliseconds).</summary>
        public void SetReadWriteTimeout(int readWriteTimeout) => SetReadTimeoutMs(readWriteTimeout);

        /// <summary>The version of the loaded libiop, e.g. <c>"0.2.0"</c>.</summary>
        public static string NativeVersion
        {
            get
            {
                Native.EnsureCompatible();
                return Native.Version();
            }
        }

        /// <inheritdoc />
        public IopResponse Execute(IopRequest request) => Execute(request, null, GopProtocolEnum.AUTO);

        /// <inheritdoc />
        public IopResponse Execute(IopRequest request, string accessToken) => Execute(request, accessToken, GopProtocolEnum.AUTO);

        /// <inheritdoc />
        public IopResponse Execute(IopRequest request, GopProtocolEnum protocol) => Execute(request, null, protocol);

        /// <summary>Signs and sends <paramref name="request"/> with <paramref name="accessToken"/>
        /// (null for none) and <paramref name="protocol"/> (<see cref="GopProtocolEnum.AUTO"/>: GOP for
        /// path-style API names, TOP for dotted ones).</summary>
        public IopResponse Execute(IopRequest request, string accessToken, GopProtocolEnum protocol)
            => new IopResponse(NotNull(request).WithNative(req => Native.ClientExecute(Handle, req, accessToken, (int)protocol)));

        /// <summary>As <see cref="ExecuteAsync(IopRequest, string, GopProtocolEnum, CancellationToken)"/> without a token.</summary>
        public Task<IopResponse> ExecuteAsync(IopRequest request, CancellationToken cancellationToken = default(CancellationToken))
            => ExecuteAsync(request, null, GopProtocolEnum.AUTO, cancellationToken);

        /// <summary>As <see cref="ExecuteAsync(IopRequest, string, GopProtocolEnum, CancellationToken)"/> with <see cref="GopProtocolEnum.AUTO"/>.</summary>
        public Task<IopResponse> ExecuteAsync(IopRequest request, string accessToken,
            CancellationToken cancellationToken = default(CancellationToken))
            => ExecuteAsync(request, accessToken, GopProtocolEnum.AUTO, cancellationToken);

        /// <summary>
        /// <see cref="Execute(IopRequest, string, GopProtocolEnum)"/> on the thread pool. The request's
        /// current values are taken now (changing it afterwards does not affect this call). Cancelling
        /// completes the task as canceled at once; the native call goes on on its thread until it
        /// ends (within the client's timeouts) and its response is then freed.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="request"/> is null (thrown, not in the task).</exception>
        /// <exception cref="ObjectDisposedException">The client was disposed (thrown).</exception>
        public Task<IopResponse> ExecuteAsync(IopRequest request, string accessToken, GopProtocolEnum protocol,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            NotNull(request);
            ClientHandle client = Handle;
            bool owned;
            RequestHandle req;
            try
            {
                req = request.Snapshot(out owned);
            }
            catch (IopException e)
            {
                return Task.FromException<IopResponse>(e); // a value libiop refuses: the task's failure, as for the call's
            }
            return NativeAsync.Run(() => new IopResponse(Native.ClientExecute(client, req, accessToken, (int)protocol)),
                cancellationToken, r => r.Release(), () =>
                {
                    if (owned)
                    {
                        req.Dispose();
                    }
                    GC.KeepAlive(req); // a cached request dropped by a change meanwhile stays alive until here
                });
        }

        /// <summary>As <see cref="ExecuteBatchAsync(IEnumerable{BatchCall}, string, int, CancellationToken)"/>, every
        /// request with <paramref name="accessToken"/> and <see cref="GopProtocolEnum.AUTO"/>.</summary>
        public Task<IReadOnlyList<BatchResult>> ExecuteBatchAsync(IEnumerable<IopRequest> requests, string accessToken = null,
            int concurrency = IopConstants.UseDefault, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (requests == null)
            {
                throw new ArgumentNullException("requests");
            }
            return ExecuteBatchAsync(requests.Select(r => (BatchCall)r), accessToken, concurrency, cancellationToken);
        }

        /// <summary><see cref="ExecuteBatch(IEnumerable{BatchCall}, string, int)"/> on the thread pool
        /// (the calls are listed now, their requests read when the batch starts: do not change them
        /// meanwhile); cancelling as for <see cref="ExecuteAsync(IopRequest, string, GopProtocolEnum, CancellationToken)"/>.</summary>
        public Task<IReadOnlyList<BatchResult>> ExecuteBatchAsync(IEnumerable<BatchCall> calls, string accessToken = null,
            int concurrency = IopConstants.UseDefault, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (calls == null)
            {
                throw new ArgumentNullException("calls");
            }
            List<BatchCall> list = calls.ToList();
            return NativeAsync.Run(() => ExecuteBatch(list, accessToken, concurrency), cancellationToken,
                results => { foreach (BatchResult r in results) r.Response?.Release(); });
        }

        /// <summary><see cref="CreateToken"/> on the thread pool; cancelling as for
        /// <see cref="ExecuteAsync(IopRequest, string, GopProtocolEnum, CancellationToken)"/> (the code
        /// is consumed all the same if the call reaches the platform).</summary>
        public Task<Token> CreateTokenAsync(string code, CancellationToken cancellationToken = default(CancellationToken))
        {
            ClientHandle client = Handle;
            return NativeAsync.Run(() => Token.Take(Native.TokenCreate(client, code)), cancellationToken);
        }

        /// <summary><see cref="RefreshToken"/> on the thread pool; cancelling as for
        /// <see cref="ExecuteAsync(IopRequest, string, GopProtocolEnum, CancellationToken)"/>. A cancelled
        /// refresh that reached the platform has rotated the refresh token all the same: prefer
        /// <see cref="TokenManager"/>, which stores the new pair whoever waits for it.</summary>
        public Task<Token> RefreshTokenAsync(string refreshToken, CancellationToken cancellationToken = default(CancellationToken))
        {
            ClientHandle client = Handle;
            return NativeAsync.Run(() => Token.Take(Native.TokenRefresh(client, refreshToken)), cancellationToken);
        }

        /// <summary>As <see cref="ExecuteBatch(IEnumerable{BatchCall}, string, int)"/>, every request
        /// with <paramref name="accessToken"/> and <see cref="GopProtocolEnum.AUTO"/>.</summary>
        public IReadOnlyList<BatchResult> ExecuteBatch(IEnumerable<IopRequest> requests, string accessToken = null,
            int concurrency = IopConstants.UseDefault)
        {
            if (requests == null)
            {
                throw new ArgumentNullException("requests");
            }
            return ExecuteBatch(requests.Select(r => (BatchCall)r), accessToken, concurrency);
        }

        /// <summary>
        /// Signs and sends every call, at most <paramref name="concurrency"/> at once on libiop's
        /// threads over this client's keep-alive pool (1 to <see cref="IopConstants.MaxBatchConcurrency"/>;
        /// <see cref="IopConstants.UseDefault"/>: <see cref="IopConstants.DefaultBatchConcurrency"/>),
        /// and returns when all have ended: one <see cref="BatchResult"/> per call, in input order,
        /// holding the call's response or the exception <c>Execute</c> would have thrown for it (a
        /// transport failure, or a request libiop refuses). A call without its own token is signed
        /// with <paramref name="accessToken"/> (null: none).
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="calls"/>, a call or its request is null.</exception>
        /// <exception cref="IopInvalidArgumentException">An invalid <paramref name="concurrency"/>.</exception>
        public IReadOnlyList<BatchResult> ExecuteBatch(IEnumerable<BatchCall> calls, string accessToken = null,
            int concurrency = IopConstants.UseDefault)
        {
            if (calls == null)
            {
                throw new ArgumentNullException("calls");
            }
            List<BatchResult> results = new List<BatchResult>();
            List<int> added = new List<int>(); // the result index of each native call
            using (BatchHandle batch = Native.BatchNew())
            {
                foreach (BatchCall call in calls)
                {
                    try
                    {
                        NotNull(call == null ? null : call.Request).WithNative(req =>
                        {
                            Native.BatchAdd(batch, req, call.AccessToken ?? accessToken, (int)call.Protocol);
                            return 0;
                        });
                        added.Add(results.Count);
                        results.Add(null);
                    }
                    catch (IopException e)
                    {
                        results.Add(new BatchResult(null, e));
                    }
                }
                Native.ClientExecuteBatch(Handle, batch, concurrency);
                for (int i = 0; i < added.Count; i++)
                {
                    try
                    {
                        results[added[i]] = new BatchResult(new IopResponse(Native.BatchTakeResponse(batch, (ulong)i)), null);
                    }
                    catch (IopException e)
                    {
                        results[added[i]] = new BatchResult(null, e);
                    }
                }
            }
            return results;
        }

        /// <summary>Exchanges a one-time authorization <paramref name="code"/> (from the OAuth
        /// redirect) for a token (<c>/auth/token/create</c>).</summary>
        /// <exception cref="IopPlatformException">The platform refused (e.g. <c>InvalidCode</c>).</exception>
        public Token CreateToken(string code) => Token.Take(Native.TokenCreate(Handle, code));

        /// <summary>Refreshes a token (<c>/auth/token/refresh</c>). The new token's refresh token
        /// replaces the old one, which is dead from now on: store it first.</summary>
        /// <exception cref="IopPlatformException">The platform refused (<c>IllegalRefreshToken</c>: the seller must authorize again).</exception>
        public Token RefreshToken(string refreshToken) => Token.Take(Native.TokenRefresh(Handle, refreshToken));

        /// <summary>What <c>Execute</c> would sign at <paramref name="timestamp"/>: the exact string to
        /// sign (parameter values, tokens included; never the secret) and the signature.</summary>
        public IopSignature Sign(IopRequest request, string accessToken, GopProtocolEnum protocol, DateTimeOffset timestamp)
        {
            return NotNull(request).WithNative(req =>
            {
                string stringToSign, signature;
                Native.ClientSign(Handle, req, accessToken, (int)protocol, Native.Millis(timestamp), out stringToSign, out signature);
                return new IopSignature(stringToSign, signature);
            });
        }

        private static IopRequest NotNull(IopRequest request) => request ?? throw new ArgumentNullException("request");
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
