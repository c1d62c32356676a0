using System;
using System.Threading;
using System.Threading.Tasks;

namespace Iopkit
{
    /// <summary>
    /// Runs a blocking libiop call on the thread pool for the <c>*Async</c> methods. Cancelling
    /// completes the task as <see cref="TaskStatus.Canceled"/> at once (inside
    /// <see cref="CancellationTokenSource.Cancel()"/>); the native call cannot be interrupted, so it
    /// goes on on its thread until it ends (at the latest at the client's timeouts), and its result
    /// is then released (a response's native handle freed) instead of being delivered.
    /// </summary>
    internal static class NativeAsync
    {
        private const int Running = 0, Done = 1, Cancelled = 2;
        private static int orphans;
        private static long released;

        /// <summary>Cancelled calls whose native call has not ended yet.</summary>
        internal static int Orphans => Volatile.Read(ref orphans);

        /// <summary>How many results of cancelled calls were released so far.</summary>
        internal static long OrphanResultsReleased => Interlocked.Read(ref released);

        /// <summary>Runs <paramref name="call"/> on the thread pool. <paramref name="release"/> frees a
        /// result nobody will receive; <paramref name="cleanup"/> runs after the call whatever happened.</summary>
        internal static Task<T> Run<T>(Func<T> call, CancellationToken cancellationToken, Action<T> release = null,
            Action cleanup = null)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                cleanup?.Invoke();
                return Task.FromCanceled<T>(cancellationToken);
            }
            TaskCompletionSource<T> tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            int[] state = { Running };
            CancellationTokenRegistration registration = cancellationToken.Register(() =>
            {
                // Counted before the state flips, so the worker never sees Cancelled uncounted.
                Interlocked.Increment(ref orphans);
                if (Interlocked.CompareExchange(ref state[0], Cancelled, Running) == Running)
                {
                    tcs.TrySetCanceled(cancellationToken);
                }
                else
                {
                    Interlocked.Decrement(ref orphans);
                }
            });
            Task.Run(() =>
            {
                T result = default(T);
                Exception error = null;
                bool ran = false;
                try
                {
                    if (Volatile.Read(ref state[0]) == Running)
                    {
                        result = call();
                        ran = true;
                    }
                }
                catch (Exception e)
                {
                    error = e;
                }
                finally
                {
                    cleanup?.Invoke();
                }
                registration.Dispose();
                if (Interlocked.CompareExchange(ref state[0], Done, Running) == Running)
                {
                    if (error != null)
                    {
                        tcs.TrySetException(error);
                    }
                    else
                    {
                        tcs.TrySetResult(result);
                    }
                    return;
                }
                if (ran && release != null)
                {
                    release(result);
                    Interlocked.Increment(ref released);
                }
                Interlocked.Decrement(ref orphans);
            });
            return tcs.Task;
        }
    }
}
