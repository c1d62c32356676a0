using System;

namespace Iopkit
{
    /// <summary>
    /// What <see cref="IopClient"/> and <see cref="EnosClient"/> share: the settings (a native
    /// <c>IopConfig</c>, copied into the live client after every change, so calls already running
    /// keep the settings they started with) and the native client's lifetime. Numbers pass straight
    /// through: <see cref="IopConstants.UseDefault"/> (-1) restores a setting's default
    /// (<see cref="IopConstants"/><c>.Default*</c>); 0 timeouts, other negatives or more retries than
    /// <see cref="IopConstants.MaxConnectRetriesLimit"/> throw <see cref="IopInvalidArgumentException"/>.
    /// Thread-safe. Dispose the client when done (a finalizer frees it otherwise); afterwards every
    /// method throws <see cref="ObjectDisposedException"/>, and calls already running finish first.
    /// </summary>
    public abstract class IopClientBase : IDisposable
    {
        private readonly ConfigHandle config;
        private NativeHandle client;

        internal IopClientBase(Func<ConfigHandle, NativeHandle> open)
        {
            Native.EnsureCompatible();
            config = Native.ConfigNew();
            try
            {
                client = open(config);
            }
            catch
            {
                config.Dispose();
                throw;
            }
        }

        /// <summary>The native client; <see cref="ObjectDisposedException"/> after <see cref="Dispose()"/>.</summary>
        internal T Live<T>() where T : NativeHandle
        {
            if (client.IsClosed)
            {
                throw new ObjectDisposedException(GetType().FullName);
            }
            return (T)client;
        }

        /// <summary>Copies the settings into the live client.</summary>
        internal abstract void Configure(ConfigHandle settings);

        private void Set(Action<ConfigHandle> change)
        {
            lock (config)
            {
                change(config);
                Configure(config);
            }
        }

        /// <summary>Sets the connect timeout in milliseconds (default <see cref="IopConstants.DefaultConnectTimeoutMs"/>).</summary>
        public void SetConnectTimeoutMs(long timeoutMs) => Set(c => Native.ConfigSetConnectTimeoutMs(c, timeoutMs));

        /// <summary>Sets the read timeout in milliseconds (default <see cref="IopConstants.DefaultReadTimeoutMs"/>); it
        /// bounds each phase: sending the request, waiting for the response head, reading the body.</summary>
        public void SetReadTimeoutMs(long timeoutMs) => Set(c => Native.ConfigSetReadTimeoutMs(c, timeoutMs));

        /// <summary>Sets the connect timeout, rounded up to whole milliseconds (zero or negative is refused).</summary>
        public void SetConnectTimeout(TimeSpan timeout) => SetConnectTimeoutMs(Millis(timeout));

        /// <summary>Sets the read timeout, rounded up to whole milliseconds (zero or negative is refused).</summary>
        public void SetReadTimeout(TimeSpan timeout) => SetReadTimeoutMs(Millis(timeout));

        private static long Millis(TimeSpan t) => t <= TimeSpan.Zero ? 0 : (long)Math.Ceiling(t.TotalMilliseconds);

        /// <summary>Sets the <c>partner_id</c> sent with every IOP call (not empty); null restores the
        /// default, <c>iopkit-&lt;version&gt;</c>. EnOS calls send none.</summary>
        public void SetPartnerId(string partnerId) => Set(c => Native.ConfigSetPartnerId(c, partnerId));

        /// <summary>Trusts the CA certificates in the PEM file at <paramref name="pemPath"/> (read now)
        /// instead of the built-in roots; null restores them. Verification cannot be turned off.</summary>
        public void SetCaBundle(string pemPath) => Set(c => Native.ConfigSetCaBundle(c, pemPath));

        /// <summary>Allows plain <c>http://</c> to hosts other than loopback (never advisable).</summary>
        public void SetAllowInsecureHttp(bool allow) => Set(c => Native.ConfigSetAllowInsecureHttp(c, allow));

        /// <summary>Sets the largest response body accepted, in bytes (default <see cref="IopConstants.DefaultMaxResponseBytes"/>).</summary>
        public void SetMaxResponseBytes(long maxBytes) => Set(c => Native.ConfigSetMaxResponseBytes(c, maxBytes));

        /// <summary>Sets how many times a call is re-sent after a connect failure (the request never
        /// reached the server): 0 to <see cref="IopConstants.MaxConnectRetriesLimit"/>, default
        /// <see cref="IopConstants.DefaultMaxConnectRetries"/>. Nothing else is ever retried.</summary>
        public void SetMaxConnectRetries(int retries) => Set(c => Native.ConfigSetMaxConnectRetries(c, retries));

        /// <summary>Sets how many idle keep-alive connections are kept per host, ready for the next
        /// calls: 0 (every call connects anew) to <see cref="IopConstants.MaxIdleConnectionsLimit"/>, default
        /// <see cref="IopConstants.DefaultMaxIdleConnections"/> (enough for as many threads or batch workers).</summary>
        public void SetMaxIdleConnections(int connections) => Set(c => Native.ConfigSetMaxIdleConnections(c, connections));

        /// <summary>Sets how long an idle keep-alive connection is kept before it is closed, in
        /// milliseconds (at least 1; default <see cref="IopConstants.DefaultIdleTimeoutMs"/>).</summary>
        public void SetIdleTimeoutMs(long timeoutMs) => Set(c => Native.ConfigSetIdleTimeoutMs(c, timeoutMs));

        /// <summary>
        /// Sets the HTTP proxy: null (the default) uses the environment (<c>HTTPS_PROXY</c> /
        /// <c>https_proxy</c>, then <c>ALL_PROXY</c>; <c>NO_PROXY</c> honoured), <c>""</c> connects
        /// directly whatever the environment says, otherwise <c>http://[user:password@]host[:port]</c>
        /// (HTTP CONNECT; port 80 by default; the credentials are sent as <c>Proxy-Authorization</c>
        /// Basic and never appear in messages or logs). Failing to reach or tunnel through the proxy
        /// is an <see cref="IopConnectException"/> whose message starts with <c>proxy http://host:port</c>.
        /// </summary>
        /// <exception cref="IopInvalidArgumentException">A URL libiop cannot use.</exception>
        public void SetProxy(string proxyUrl) => Set(c => Native.ConfigSetProxy(c, proxyUrl));

        /// <summary>Checks every call of this client against <paramref name="limiter"/> (shared with the
        /// other clients it is attached to) before sending it, and teaches it the bans the platform
        /// answers with; null detaches it. The client keeps the native limiter alive.</summary>
        public void SetRateLimiter(RateLimiter limiter)
            => Set(c => Native.ConfigSetRateLimiter(c, limiter == null ? new RateLimiterHandle() : limiter.Handle));

        /// <summary>Frees the native client. Safe to call more than once.</summary>
        public void Dispose()
        {
            client.Dispose();
            config.Dispose();
        }
    }
}
