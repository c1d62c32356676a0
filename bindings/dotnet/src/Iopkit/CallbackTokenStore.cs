using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Iopkit
{
    /// <summary>
    /// Your own token storage (a database table, say) behind a <see cref="CallbackTokenStore"/>.
    /// A record is an opaque JSON text with a numeric <c>version</c>: keep it as given, per
    /// account, next to its version. libiop calls these methods on the thread that called the
    /// <see cref="TokenManager"/> (it creates no threads), possibly from several threads at once
    /// — for different accounts, and <see cref="Load"/> also for the same one — so they must be
    /// thread-safe. An exception thrown here never crosses into native code: the library call
    /// fails with an <see cref="IopInternalException"/> whose
    /// <see cref="Exception.InnerException"/> is yours.
    /// </summary>
    public interface ITokenStoreCallbacks
    {
        /// <summary>The record of <paramref name="account"/> as last stored, or null when there is none.</summary>
        string Load(string account);

        /// <summary>
        /// Stores <paramref name="recordJson"/> for <paramref name="account"/> durably if the
        /// stored record's version is <paramref name="expectedVersion"/> (0: none is stored);
        /// the new record's version is <paramref name="expectedVersion"/> + 1. Returns true when
        /// stored, false when the version differed (store nothing then). Called only while
        /// <see cref="Lock"/> is held for the account.
        /// </summary>
        bool CompareAndSwap(string account, ulong expectedVersion, string recordJson);

        /// <summary>
        /// Takes the refresh lock of <paramref name="account"/>, shared by every process using the
        /// storage (a row lock, an advisory lock, …), waiting at most <paramref name="timeout"/>.
        /// Returns true when taken, false on timeout. <see cref="Unlock"/> is called on the same
        /// thread.
        /// </summary>
        bool Lock(string account, TimeSpan timeout);

        /// <summary>Releases the lock taken by <see cref="Lock"/>. An exception thrown here cannot be
        /// reported (the operation has already succeeded) and is dropped.</summary>
        void Unlock(string account);

        /// <summary>Every account stored, for <see cref="TokenStore.ReauthorizationDue"/>; null when
        /// the storage cannot list them (that method then throws <see cref="NotSupportedException"/>).</summary>
        IList<string> Accounts();
    }

    /// <summary>
    /// A store over <see cref="ITokenStoreCallbacks"/> you implement. The callbacks stay reachable
    /// (and so callable by native code) as long as this store or any <see cref="TokenManager"/>
    /// created with it is alive.
    /// </summary>
    public sealed class CallbackTokenStore : TokenStore
    {
        /// <summary>A store calling <paramref name="callbacks"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="callbacks"/> is null.</exception>
        public CallbackTokenStore(ITokenStoreCallbacks callbacks)
            : base(Trampolines.CreateHandle(callbacks))
        {
            Callbacks = callbacks;
        }

        /// <summary>The callbacks given to the constructor.</summary>
        public ITokenStoreCallbacks Callbacks { get; private set; }

        /// <summary>
        /// The native entry points for one <see cref="ITokenStoreCallbacks"/>: each catches every
        /// exception (unwinding through native frames is undefined), records it for the calling
        /// thread (<see cref="StoreCallbackFailure"/>) and returns -1, which libiop reports as a
        /// failed callback. The delegates are fields of this object, which the store's and every
        /// manager's SafeHandle root: a collected delegate would leave libiop a dangling pointer.
        /// </summary>
        private sealed class Trampolines
        {
            private const int Failed = -1;

            private readonly ITokenStoreCallbacks callbacks;
            private readonly Native.StoreLoadFn load;
            private readonly Native.StoreCompareAndSwapFn compareAndSwap;
            private readonly Native.StoreLockFn lockFn;
            private readonly Native.StoreUnlockFn unlock;
            private readonly Native.StoreAccountsFn accounts;

            private Trampolines(ITokenStoreCallbacks callbacks)
            {
                this.callbacks = callbacks;
                load = Load;
                compareAndSwap = CompareAndSwap;
                lockFn = Lock;
                unlock = Unlock;
                accounts = Accounts;
            }

            internal static TokenStoreHandle CreateHandle(ITokenStoreCallbacks callbacks)
            {
                if (callbacks == null)
                {
                    throw new ArgumentNullException("callbacks");
                }
                Trampolines t = new Trampolines(callbacks);
                Native.TokenStoreCallbacks table = new Native.TokenStoreCallbacks
                {
                    UserData = IntPtr.Zero,
                    Load = Marshal.GetFunctionPointerForDelegate(t.load),
                    CompareAndSwap = Marshal.GetFunctionPointerForDelegate(t.compareAndSwap),
                    Lock = Marshal.GetFunctionPointerForDelegate(t.lockFn),
                    Unlock = Marshal.GetFunctionPointerForDelegate(t.unlock),
                    Accounts = Marshal.GetFunctionPointerForDelegate(t.accounts),
                };
                TokenStoreHandle h = Create((out TokenStoreHandle s) => Native.iop_token_store_callback_new(ref table, out s));
                h.Roots = t;
                return h;
            }

            private int Load(IntPtr userData, IntPtr account, IntPtr value)
            {
                try
                {
                    string json = callbacks.Load(Native.FromUtf8(account));
                    if (json == null)
                    {
                        return 0;
                    }
                    return SetValue(value, json);
                }
                catch (Exception e)
                {
                    StoreCallbackFailure.Record(e);
                    return Failed;
                }
            }

            /// <summary>Hands <paramref name="text"/> to libiop; a refusal (e.g. a NUL in the text) is
            /// recorded as the callback's failure.</summary>
            private static int SetValue(IntPtr value, string text)
            {
                int status = Native.iop_token_store_value_set(value, Native.Utf8(text));
                if (status != 0)
                {
                    StoreCallbackFailure.Record(IopException.FromLastError(status));
                    return Failed;
                }
                return 0;
            }

            private int CompareAndSwap(IntPtr userData, IntPtr account, ulong expectedVersion, IntPtr recordJson)
            {
                try
                {
                    return callbacks.CompareAndSwap(Native.FromUtf8(account), expectedVersion, Native.FromUtf8(recordJson)) ? 0 : 1;
                }
                catch (Exception e)
                {
                    StoreCallbackFailure.Record(e);
                    return Failed;
                }
            }

            private int Lock(IntPtr userData, IntPtr account, ulong timeoutMs)
            {
                try
                {
                    TimeSpan timeout = timeoutMs >= (ulong)TimeSpan.MaxValue.TotalMilliseconds
                        ? TimeSpan.MaxValue
                        : TimeSpan.FromMilliseconds(timeoutMs);
                    return callbacks.Lock(Native.FromUtf8(account), timeout) ? 0 : 1;
                }
                catch (Exception e)
                {
                    StoreCallbackFailure.Record(e);
                    return Failed;
                }
            }

            private void Unlock(IntPtr userData, IntPtr account)
            {
                try
                {
                    callbacks.Unlock(Native.FromUtf8(account));
                }
                catch (Exception)
                {
                    // Nothing to report it to: the operation the lock guarded has completed.
                }
            }

            private int Accounts(IntPtr userData, IntPtr value)
            {
                try
                {
                    IList<string> list = callbacks.Accounts();
                    if (list == null)
                    {
                        StoreCallbackFailure.Record(new AccountsNotListedException());
                        return Failed;
                    }
                    string[] copy = new string[list.Count];
                    list.CopyTo(copy, 0);
                    return SetValue(value, Json.Write(copy));
                }
                catch (Exception e)
                {
                    StoreCallbackFailure.Record(e);
                    return Failed;
                }
            }
        }
    }

    /// <summary><see cref="ITokenStoreCallbacks.Accounts"/> returned null.</summary>
    internal sealed class AccountsNotListedException : NotSupportedException
    {
        internal AccountsNotListedException()
            : base("this store's callbacks cannot list accounts (ITokenStoreCallbacks.Accounts returned null)")
        {
        }
    }

    /// <summary>
    /// The first exception a store callback threw during the current library call on this
    /// thread. libiop runs callbacks on the thread that called it, so a thread-static slot ties
    /// a failure to the call it broke: cleared before each call that may run callbacks, taken
    /// right after it.
    /// </summary>
    internal static class StoreCallbackFailure
    {
        [ThreadStatic]
        private static Exception first;

        internal static void Record(Exception e)
        {
            if (first == null)
            {
                first = e;
            }
        }

        internal static void Clear()
        {
            first = null;
        }

        internal static Exception Take()
        {
            Exception e = first;
            first = null;
            return e;
        }
    }
}
