using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace Iopkit
{
    /// <summary>
    /// Where <see cref="TokenManager"/>s keep tokens, one record per account:
    /// <see cref="MemoryTokenStore"/>, <see cref="FileTokenStore"/>, <see cref="RedisTokenStore"/>,
    /// or <see cref="CallbackTokenStore"/> over your own database. Thread-safe; one store may serve
    /// any number of managers and accounts. Dispose it when done: managers created with it keep
    /// using it (the native store lives until the last of them is disposed), so disposing the
    /// store first is fine.
    /// </summary>
    public abstract class TokenStore : IDisposable
    {
        private readonly TokenStoreHandle handle;

        internal TokenStore(TokenStoreHandle handle)
        {
            this.handle = handle;
        }

        /// <summary>The native store; throws <see cref="ObjectDisposedException"/> after <see cref="Dispose"/>.</summary>
        internal TokenStoreHandle NativeHandle
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

        /// <summary>Creates a store handle with <paramref name="create"/>, throwing the mapped
        /// exception when it fails.</summary>
        internal delegate int Creator(out TokenStoreHandle h);

        internal static TokenStoreHandle Create(Creator create)
        {
            Native.EnsureCompatible();
            TokenStoreHandle h;
            int status = create(out h);
            if (status != 0)
            {
                IopException e = IopException.FromLastError(status);
                h.Dispose();
                throw e;
            }
            return h;
        }

        /// <summary>
        /// The accounts whose sellers must authorize the app again within
        /// <paramref name="within"/> from now (deadlines already passed and grants found dead
        /// included), soonest first. The deadline is the refresh token's expiry, or the access
        /// token's for a grant that cannot be refreshed; EnOS accounts never appear. Run it daily
        /// and send those sellers to the authorization page.
        /// </summary>
        /// <param name="within">How far ahead to look; rounded up to whole seconds.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="within"/> is negative.</exception>
        /// <exception cref="NotSupportedException">A <see cref="CallbackTokenStore"/> whose
        /// <see cref="ITokenStoreCallbacks.Accounts"/> returned null.</exception>
        public IReadOnlyList<ReauthorizationDeadline> ReauthorizationDue(TimeSpan within)
        {
            if (within < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException("within", within, "must not be negative");
            }
            long seconds = (long)Math.Ceiling(within.TotalSeconds);
            IntPtr json = IntPtr.Zero;
            try
            {
                StoreCallbackFailure.Clear();
                int status = Native.iop_token_store_due_json(NativeHandle, seconds, out json);
                Exception failure = StoreCallbackFailure.Take();
                if (status != 0)
                {
                    if (failure is AccountsNotListedException)
                    {
                        throw new NotSupportedException(failure.Message);
                    }
                    throw IopException.FromLastError(status, failure);
                }
                List<ReauthorizationDeadline> list = new List<ReauthorizationDeadline>();
                foreach (Json.DueWire d in Json.Parse<Json.DueWire[]>(Native.TakeOwned(ref json)))
                {
                    list.Add(new ReauthorizationDeadline(d.Account, DateTimeOffset.FromUnixTimeMilliseconds(d.ReauthorizeBy)));
                }
                return new ReadOnlyCollection<ReauthorizationDeadline>(list);
            }
            finally
            {
                if (json != IntPtr.Zero)
                {
                    Native.iop_string_free(json);
                }
            }
        }

        /// <summary>Frees this handle of the native store. Safe to call more than once; managers
        /// already created with the store keep working.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }
    }

    /// <summary>A store in this process's memory: for one process and for tests. Lost when the
    /// process ends, so sellers would have to authorize again: use a <see cref="FileTokenStore"/>
    /// or a <see cref="CallbackTokenStore"/> in production.</summary>
    public sealed class MemoryTokenStore : TokenStore
    {
        /// <summary>An empty store.</summary>
        public MemoryTokenStore()
            : base(Create((out TokenStoreHandle h) => Native.iop_token_store_memory_new(out h)))
        {
        }
    }

    /// <summary>
    /// A store in one JSON file (created on the first write with mode 0600; its folder must
    /// exist), shared safely by the processes of one host: writes replace the file atomically and
    /// refreshes take an advisory lock on <c>&lt;path&gt;.lock</c>. It holds tokens, never the app
    /// secret. Not for network file systems.
    /// </summary>
    public sealed class FileTokenStore : TokenStore
    {
        /// <summary>A store in the file at <paramref name="path"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
        /// <exception cref="IopInvalidArgumentException">The path is empty or names no file.</exception>
        public FileTokenStore(string path)
            : base(Create((out TokenStoreHandle h) => Native.iop_token_store_file_new(Native.Utf8(NotNull(path)), out h)))
        {
            Path = path;
        }

        /// <summary>The file's path, as given.</summary>
        public string Path { get; private set; }

        private static string NotNull(string path)
        {
            if (path == null)
            {
                throw new ArgumentNullException("path");
            }
            return path;
        }
    }

    /// <summary>One entry of <see cref="TokenStore.ReauthorizationDue"/>.</summary>
    public sealed class ReauthorizationDeadline
    {
        internal ReauthorizationDeadline(string account, DateTimeOffset reauthorizeBy)
        {
            Account = account;
            ReauthorizeBy = reauthorizeBy;
        }

        /// <summary>The account (the manager's <see cref="TokenManager.Account"/>).</summary>
        public string Account { get; private set; }

        /// <summary>When its grant stops working, or now for a grant already found dead.</summary>
        public DateTimeOffset ReauthorizeBy { get; private set; }

        /// <inheritdoc />
        public override string ToString()
        {
            return string.Format("ReauthorizationDeadline(Account={0}, ReauthorizeBy={1:o})", Account, ReauthorizeBy);
        }
    }
}
