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
            : base(new Trampolines(callbacks).Open())
        {
            Callbacks = callbacks;
        }

        /// <summary>The callbacks given to the constructor.</summary>
        public ITokenStoreCallbacks Callbacks { get; private set; }

        /// <summary>
        /// The native entry points for one <see cref="ITokenStoreCallbacks"/>: each catches every
        /// exception (unwinding through native frames is undefined), records the first for the
        /// calling thread (<see cref="Native.CallbackFailure"/>, the failed call's inner exception)
        /// and returns -1, which libiop reports as a failed callback. The delegates are fields of
        /// this object, which the store's and every manager's handle root.
        /// </summary>
        private sealed class Trampolines
        {
            private readonly Native.TokenStoreCallbacksLoadFn load;
            private readonly Native.TokenStoreCallbacksCompareAndSwapFn compareAndSwap;
            private readonly Native.TokenStoreCallbacksLockFn lockFn;
            private readonly Native.TokenStoreCallbacksUnlockFn unlock;
            private readonly Native.TokenStoreCallbacksAccountsFn accounts;

            internal Trampolines(ITokenStoreCallbacks callbacks)
            {
                if (callbacks == null)
                {
                    throw new ArgumentNullException("callbacks");
                }
                load = (user, account, value) => Guard(() => SetValue(value, callbacks.Load(Native.FromUtf8(account))));
                compareAndSwap = (user, account, expected, record) =>
                    Guard(() => callbacks.CompareAndSwap(Native.FromUtf8(account), expected, Native.FromUtf8(record)) ? 0 : 1);
                lockFn = (user, account, timeoutMs) => Guard(() => callbacks.Lock(Native.FromUtf8(account),
                    timeoutMs >= (long)TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(Math.Max(0, timeoutMs))) ? 0 : 1);
                // An exception from Unlock has nothing to report to: the guarded operation is done.
                unlock = (user, account) => Guard(() =>
                {
                    callbacks.Unlock(Native.FromUtf8(account));
                    return 0;
                });
                accounts = (user, value) => Guard(() =>
                {
                    IList<string> list = callbacks.Accounts();
                    if (list == null)
                    {
                        throw new NotSupportedException("this store's callbacks cannot list accounts (ITokenStoreCallbacks.Accounts returned null)");
                    }
                    return SetValue(value, Json.Write(new List<string>(list).ToArray()));
                });
            }

            internal TokenStoreHandle Open()
            {
                Native.TokenStoreCallbacks table = new Native.TokenStoreCallbacks
                {
                    Load = Marshal.GetFunctionPointerForDelegate(load),
                    CompareAndSwap = Marshal.GetFunctionPointerForDelegate(compareAndSwap),
                    Lock = Marshal.GetFunctionPointerForDelegate(lockFn),
                    Unlock = Marshal.GetFunctionPointerForDelegate(unlock),
                    Accounts = Marshal.GetFunctionPointerForDelegate(accounts),
                };
                TokenStoreHandle h = Native.TokenStoreNewCallback(table);
                h.Roots = this;
                return h;
            }

            /// <summary>Hands <paramref name="text"/> (null: none) to libiop.</summary>
            private static int SetValue(IntPtr value, string text)
            {
                if (text != null)
                {
                    Native.TokenStoreValueSet(value, text);
                }
                return 0;
            }

            private static int Guard(Func<int> body)
            {
                try
                {
                    return body();
                }
                catch (Exception e)
                {
                    Native.CallbackFailure = Native.CallbackFailure ?? e;
                    return -1;
                }
            }
        }
    }
}
