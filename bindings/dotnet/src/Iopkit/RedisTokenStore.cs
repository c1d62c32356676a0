using System;
using System.Runtime.InteropServices;

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
        /// <summary>The length of an encryption key: 32 bytes (AES-256).</summary>
        public const int EncryptionKeyLength = 32;

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
        /// milliseconds. null: libiop's default, 30 s.</param>
        /// <param name="timeout">The connect timeout and the timeout of each command; rounded up to
        /// whole milliseconds. null: libiop's default, 5 s.</param>
        /// <exception cref="ArgumentNullException"><paramref name="url"/> or <paramref name="appKey"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="lease"/> or
        /// <paramref name="timeout"/> is zero or negative.</exception>
        /// <exception cref="IopInvalidArgumentException">A malformed URL or scheme, an empty or invalid
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
            if (url == null)
            {
                throw new ArgumentNullException("url");
            }
            if (appKey == null)
            {
                throw new ArgumentNullException("appKey");
            }
            ulong leaseMs = Millis(lease, "lease");
            ulong timeoutMs = Millis(timeout, "timeout");
            byte[] urlBytes = Native.Utf8(url);
            byte[] nsBytes = Native.Utf8(keyNamespace);
            byte[] appKeyBytes = Native.Utf8(appKey);
            // Pinned by hand: the marshaller may pass NULL for an empty array, which libiop would
            // take as "no encryption" instead of rejecting the length.
            GCHandle pin = encryptionKey != null ? GCHandle.Alloc(encryptionKey, GCHandleType.Pinned) : default(GCHandle);
            try
            {
                IntPtr key = encryptionKey != null ? pin.AddrOfPinnedObject() : IntPtr.Zero;
                UIntPtr keyLen = new UIntPtr(encryptionKey != null ? (uint)encryptionKey.Length : 0u);
                return Create((out TokenStoreHandle h) =>
                    Native.iop_token_store_redis_new(urlBytes, nsBytes, appKeyBytes, key, keyLen, leaseMs, timeoutMs, out h));
            }
            finally
            {
                if (pin.IsAllocated)
                {
                    pin.Free();
                }
                Array.Clear(urlBytes, 0, urlBytes.Length); // it may hold the password
            }
        }

        /// <summary>null → 0 (libiop's default); otherwise whole milliseconds, rounded up.</summary>
        private static ulong Millis(TimeSpan? value, string name)
        {
            if (!value.HasValue)
            {
                return 0;
            }
            if (value.Value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value.Value, "must be positive (null: the default)");
            }
            return (ulong)Math.Ceiling(value.Value.TotalMilliseconds);
        }
    }
}
