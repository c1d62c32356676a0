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
    /// using it (the native store lives until the last of them is disposed).
    /// </summary>
    public abstract class TokenStore : IDisposable
    {
        private readonly TokenStoreHandle handle;

        internal TokenStore(TokenStoreHandle handle)
        {
            this.handle = handle;
        }

        /// <summary>The native store; <see cref="ObjectDisposedException"/> after <see cref="Dispose"/>.</summary>
        internal TokenStoreHandle Handle
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
        /// The accounts whose sellers must authorize the app again within <paramref name="within"/>
        /// from now (deadlines already passed and grants found dead included), soonest first. Run it
        /// daily and send those sellers to the authorization page.
        /// </summary>
        /// <param name="within">How far ahead to look; rounded up to whole milliseconds.</param>
        /// <exception cref="IopInvalidArgumentException"><paramref name="within"/> is negative.</exception>
        /// <exception cref="NotSupportedException">A <see cref="CallbackTokenStore"/> whose
        /// <see cref="ITokenStoreCallbacks.Accounts"/> returned null.</exception>
        public IReadOnlyList<ReauthorizationDeadline> ReauthorizationDue(TimeSpan within)
        {
            string json;
            try
            {
                json = Native.TokenStoreListDue(Handle, within < TimeSpan.Zero ? -2 : (long)Math.Ceiling(within.TotalMilliseconds));
            }
            catch (IopInternalException e) when (e.InnerException is NotSupportedException)
            {
                throw new NotSupportedException(e.InnerException.Message, e);
            }
            List<ReauthorizationDeadline> list = new List<ReauthorizationDeadline>();
            foreach (Json.DueWire d in Json.Parse<Json.DueWire[]>(json))
            {
                list.Add(new ReauthorizationDeadline(d.Account, Native.Instant(d.ReauthorizeBy)));
            }
            return new ReadOnlyCollection<ReauthorizationDeadline>(list);
        }

        /// <summary>Applies a verified push message: a token expiry alert moves the re-authorization
        /// deadline of every record of its seller to the alert's expiry when earlier (durably), so
        /// <see cref="ReauthorizationDue"/> names the seller at once; other types change nothing.
        /// Returns how many records changed.</summary>
        public long ApplyPush(PushMessage message) =>
            Native.TokenStoreApplyPush(Handle, (message ?? throw new ArgumentNullException(nameof(message))).Handle);

        /// <summary>Frees this handle of the native store. Safe to call more than once.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }
    }

    /// <summary>A store in this process's memory: for one process and for tests (lost when the
    /// process ends, so sellers would have to authorize again).</summary>
    public sealed class MemoryTokenStore : TokenStore
    {
        /// <summary>An empty store.</summary>
        public MemoryTokenStore()
            : base(Native.TokenStoreNewMemory())
        {
        }
    }

    /// <summary>
    /// A store in one JSON file (created on the first write with mode 0600; its folder must
    /// exist), shared safely by the processes of one host through an advisory lock on
    /// <c>&lt;path&gt;.lock</c>. It holds tokens, never the app secret.
    /// </summary>
    public sealed class FileTokenStore : TokenStore
    {
        /// <summary>A store in the file at <paramref name="path"/>.</summary>
        /// <exception cref="IopInvalidArgumentException">The path is null, empty or names no file.</exception>
        public FileTokenStore(string path)
            : base(Native.TokenStoreNewFile(path))
        {
            Path = path;
        }

        /// <summary>The file's path, as given.</summary>
        public string Path { get; private set; }
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
