using System;

namespace Iopkit
{
    /// <summary>
    /// A store in Redis, shared by the hosts of a fleet: each account's record is a Redis hash
    /// updated by compare-and-swap, and a refresh holds a lease on
    /// <c>&lt;keyNamespace&gt;:&lt;appKey&gt;:&lt;account&gt;:lock</c>, so only one host refreshes an
    /// account at a time. Records are JSON, or encrypted with AES-256-GCM when an
    /// <c>encryptionKey</c> is given. The constructor checks the settings but does not connect: calls
    /// throw <see cref="IopConnectException"/>, <see cref="IopNetworkException"/> or
    /// <see cref="IopTimeoutException"/> while Redis is unreachable and work again once it is back.
    /// The URL (which may hold a password) is never kept by this object nor shown in a message or in
    /// <see cref="ToString"/>.
    /// </summary>
    public sealed class RedisTokenStore : TokenStore
    {
        /// <summary>
        /// A store in the Redis at <paramref name="url"/> for the sellers of the app
        /// <paramref name="appKey"/>.
        /// </summary>
        /// <param name="url"><c>redis://[user][:password@]host[:port][/db]</c>, <c>rediss://…</c> (TLS,
        /// certificates always verified against the system's roots or the CA file named by
        /// <c>SSL_CERT_FILE</c>) or <c>redis+unix:///path</c>.</param>
        /// <param name="appKey">The app whose sellers' tokens these are (part of every key).</param>
        /// <param name="keyNamespace">The first part of every key; null: <c>iopkit</c>. No <c>:</c>,
        /// spaces or control characters.</param>
        /// <param name="encryptionKey">null to store records as JSON, or 32 bytes (copied) to encrypt
        /// them at rest. Every host sharing the records needs the same key.</param>
        /// <param name="lease">How long a refresh lock lasts unless released (a host that dies holding
        /// it delays the account this long; a refresh must finish within it); rounded up to whole
        /// milliseconds. null: <see cref="IopConstants.DefaultRedisLeaseMs"/>.</param>
        /// <param name="timeout">The connect timeout and the timeout of each command; rounded up to
        /// whole milliseconds. null: <see cref="IopConstants.DefaultRedisTimeoutMs"/>.</param>
        /// <exception cref="IopInvalidArgumentException">A null or malformed URL or scheme, a zero or
        /// negative lease or timeout, a null, empty or invalid
        /// <paramref name="appKey"/> or <paramref name="keyNamespace"/>, or an encryption key that is
        /// not 32 bytes long.</exception>
        public RedisTokenStore(string url, string appKey, string keyNamespace = null, byte[] encryptionKey = null,
            TimeSpan? lease = null, TimeSpan? timeout = null)
            : base(Open(url, appKey, keyNamespace, encryptionKey, lease, timeout))
        {
            AppKey = appKey;
            KeyNamespace = keyNamespace;
            Encrypted = encryptionKey != null;
            Lease = lease;
            Timeout = timeout;
        }

        /// <summary>The app key given to the constructor.</summary>
        public string AppKey { get; private set; }

        /// <summary>The key namespace given to the constructor (null: libiop's default, <c>iopkit</c>).</summary>
        public string KeyNamespace { get; private set; }

        /// <summary>Whether records are encrypted at rest.</summary>
        public bool Encrypted { get; private set; }

        /// <summary>The lease given to the constructor (null: libiop's default).</summary>
        public TimeSpan? Lease { get; private set; }

        /// <summary>The timeout given to the constructor (null: libiop's default).</summary>
        public TimeSpan? Timeout { get; private set; }

        /// <summary>A summary without the URL (it may hold a password) and without the key.</summary>
        public override string ToString()
        {
            return string.Format("RedisTokenStore(AppKey={0}, KeyNamespace={1}, Encrypted={2})", AppKey, KeyNamespace ?? "null", Encrypted);
        }

        private static TokenStoreHandle Open(string url, string appKey, string keyNamespace, byte[] encryptionKey, TimeSpan? lease,
            TimeSpan? timeout)
        {
            return Native.TokenStoreNewRedis(url, keyNamespace, appKey, encryptionKey, Millis(lease), Millis(timeout));
        }

        /// <summary>null → <see cref="IopConstants.UseDefault"/>; otherwise whole milliseconds, rounded
        /// up (zero or negative → 0, which libiop refuses).</summary>
        private static long Millis(TimeSpan? value)
        {
            if (!value.HasValue)
            {
                return IopConstants.UseDefault;
            }
            return value.Value <= TimeSpan.Zero ? 0 : (long)Math.Ceiling(value.Value.TotalMilliseconds);
        }
    }
}
