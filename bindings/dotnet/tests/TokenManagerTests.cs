using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>The token manager's bindings (callback stores, lifetimes, arguments) against the sandbox (tokens live 7 days, refresh
    /// tokens 30 days; a margin of 8 days makes every AccessToken() refresh).</summary>
    [TestFixture]
    public class TokenManagerTests
    {
        private static readonly TimeSpan LongMargin = TimeSpan.FromDays(8);

        private Sandbox sandbox;
        private IopClient client;
        private string dir;

        [TestFixtureSetUp]
        public void StartSandbox()
        {
            sandbox = new Sandbox();
            client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret);
            dir = Path.Combine(Path.GetTempPath(), "iopkit-dotnet-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
        }

        [TestFixtureTearDown]
        public void StopSandbox()
        {
            client.Dispose();
            sandbox.Dispose();
            Directory.Delete(dir, true);
        }

        private void AssertWorks(string accessToken)
        {
            IopResponse r = client.Execute(new IopRequest("/seller/get"), accessToken);
            Assert.IsFalse(r.IsError(), r.Body);
        }

        [Test]
        public void StoreGrant_TakesATokenRebuiltFromItsJson()
        {
            Token t = Token.FromJson(client.CreateToken(sandbox.NewCode()).ToJson());
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (TokenManager m = new TokenManager(client, store, "granted"))
            {
                Assert.IsNull(m.LoadRecord());
                m.StoreGrant(t);
                Assert.AreEqual(t.AccessToken, MiniJson.Object(m.LoadRecord())["access_token"]);
                Assert.AreEqual(t.AccessToken, m.AccessToken());
                Assert.Throws<ArgumentNullException>(() => m.StoreGrant(null));
            }
        }

        [Test]
        public void Callback_SameFlow_CallsTheApplicationsStore()
        {
            DictionaryStore db = new DictionaryStore();
            using (CallbackTokenStore store = new CallbackTokenStore(db))
            using (TokenManager m = new TokenManager(client, store, "cb-seller"))
            using (TokenManager eager = new TokenManager(client, store, "cb-seller", LongMargin))
            {
                Assert.AreSame(db, store.Callbacks);
                m.CreateToken(sandbox.NewCode());
                Assert.AreEqual(1, db.Swaps);
                Assert.AreEqual(1, db.Locks);
                Assert.AreEqual(1UL, db.VersionOf("cb-seller"));

                string a = m.AccessToken();
                Assert.AreEqual(a, m.AccessToken());
                Assert.AreEqual(1, db.Swaps, "no write while fresh");
                Assert.Greater(db.Loads, 0);

                string b = eager.AccessToken();
                Assert.AreNotEqual(a, b);
                AssertWorks(b);
                Assert.AreEqual(b, m.AccessToken());
                Assert.AreEqual(2, db.Locks);
                Assert.AreEqual(db.Locks, db.Unlocks);
                Assert.AreEqual(3, db.Swaps, "the refresh marker, then the new pair");
                Assert.AreEqual(MiniJson.Object(m.LoadRecord())["version"], (long)db.VersionOf("cb-seller"));
                StringAssert.Contains(b, db.JsonOf("cb-seller"));

                IReadOnlyList<ReauthorizationDeadline> due = store.ReauthorizationDue(TimeSpan.FromDays(60));
                Assert.AreEqual(1, db.Listings);
                Assert.AreEqual("cb-seller", due.Single().Account);
            }
        }

        [Test]
        public void Callback_ThreadsCallBackOnTheirOwnThreads()
        {
            DictionaryStore db = new DictionaryStore();
            using (CallbackTokenStore store = new CallbackTokenStore(db))
            using (TokenManager m = new TokenManager(client, store, "cb-threads", LongMargin))
            {
                m.CreateToken(sandbox.NewCode());
                HashSet<int> workers = new HashSet<int>();
                List<Exception> errors = new List<Exception>();
                Thread[] threads = new Thread[4];
                for (int t = 0; t < threads.Length; t++)
                {
                    threads[t] = new Thread(() =>
                    {
                        try
                        {
                            for (int i = 0; i < 3; i++)
                            {
                                AssertWorks(m.AccessToken());
                            }
                        }
                        catch (Exception e)
                        {
                            lock (errors)
                            {
                                errors.Add(e);
                            }
                        }
                    });
                    workers.Add(threads[t].ManagedThreadId);
                }
                db.Threads.Clear();
                foreach (Thread t in threads)
                {
                    t.Start();
                }
                foreach (Thread t in threads)
                {
                    t.Join();
                }
                Assert.IsEmpty(errors, string.Join("\n", errors.Select(e => e.ToString()).ToArray()));
                Assert.IsNotEmpty(db.Threads);
                Assert.IsTrue(db.Threads.IsSubsetOf(workers), "callbacks run on the calling threads");
                Assert.AreEqual(db.Locks, db.Unlocks);
                Assert.IsNull(MiniJson.Object(m.LoadRecord())["reauthorization_reason"]);
            }
        }

        [Test]
        public void Callback_ThatThrows_IsAnExceptionFromTheLibrary()
        {
            DictionaryStore db = new DictionaryStore();
            using (CallbackTokenStore store = new CallbackTokenStore(db))
            using (TokenManager m = new TokenManager(client, store, "cb-throws", LongMargin))
            {
                db.FailSwap = true;
                IopInternalException e = Assert.Throws<IopInternalException>(() => m.CreateToken(sandbox.NewCode()));
                StringAssert.Contains("compare_and_swap", e.Message);
                Assert.IsInstanceOf<InvalidOperationException>(e.InnerException);
                Assert.AreEqual("database is down (swap)", e.InnerException.Message);
                Assert.AreEqual(db.Locks, db.Unlocks, "the lock is released after a failed write");
                db.FailSwap = false;
                m.CreateToken(sandbox.NewCode());

                db.FailLoad = true;
                e = Assert.Throws<IopInternalException>(() => m.AccessToken());
                StringAssert.Contains("load", e.Message);
                Assert.AreEqual("database is down (load)", e.InnerException.Message);
                Assert.Throws<IopInternalException>(() => m.LoadRecord());
                db.FailLoad = false;

                db.RefuseLock = true;
                Assert.Throws<IopTimeoutException>(() => m.AccessToken());
                db.RefuseLock = false;

                db.Garbage = true;
                Assert.Throws<IopMalformedResponseException>(() => m.LoadRecord());
                db.Garbage = false;

                db.NoAccounts = true;
                Assert.Throws<NotSupportedException>(() => store.ReauthorizationDue(TimeSpan.FromDays(1)));
                db.NoAccounts = false;

                // A failure leaves nothing behind: the next calls work.
                AssertWorks(m.AccessToken());
                Assert.IsNull(MiniJson.Object(m.LoadRecord())["reauthorization_reason"]);
                Assert.AreEqual(1, store.ReauthorizationDue(TimeSpan.FromDays(60)).Count);
            }
        }

        [Test]
        public void Callback_DelegatesOutliveTheStoreWrapper()
        {
            DictionaryStore db = new DictionaryStore();
            using (TokenManager m = ManagerOverDisposedCallbackStore(db))
            {
                m.CreateToken(sandbox.NewCode());
                for (int i = 0; i < 3; i++)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                    AssertWorks(m.AccessToken());
                }
                Assert.AreEqual(4, db.Locks);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private TokenManager ManagerOverDisposedCallbackStore(DictionaryStore db)
        {
            CallbackTokenStore store = new CallbackTokenStore(db);
            TokenManager m = new TokenManager(client, store, "cb-gc", LongMargin);
            store.Dispose();
            Assert.Throws<ObjectDisposedException>(() => store.ReauthorizationDue(TimeSpan.Zero));
            return m;
        }

        // ---- EnOS --------------------------------------------------------------------------------

        [Test]
        public void Enos_FirstAccessTokenGetsAToken()
        {
            using (EnosClient enos = new EnosClient(sandbox.Url, Sandbox.EnosAppKey, Sandbox.EnosAppSecret))
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (TokenManager m = TokenManager.ForEnos(enos, store, "enos-app"))
            {
                Assert.IsNull(m.LoadRecord());
                string a = m.AccessToken();
                Assert.IsNotNullOrEmpty(a);
                Assert.AreEqual(a, m.AccessToken());
                Assert.AreEqual(a, MiniJson.Object(m.LoadRecord())["access_token"]);
                IopResponse call = enos.Call("GET", Sandbox.EnosApi + "?action=get&orgId=o1&deviceKey=d1", a);
                Assert.IsFalse(call.IsError(), call.Body);
                Assert.IsEmpty(store.ReauthorizationDue(TimeSpan.FromDays(3650)), "EnOS apps need no seller");
                Assert.Throws<IopInvalidArgumentException>(() => m.CreateToken("code"));

                // A margin longer than the token's 2 hours: every call refreshes.
                using (TokenManager eager = TokenManager.ForEnos(enos, store, "enos-app", TimeSpan.FromHours(3)))
                {
                    string b = eager.AccessToken();
                    Assert.AreNotEqual(a, b);
                    Assert.IsFalse(enos.Call("GET", Sandbox.EnosApi + "?action=get&orgId=o1&deviceKey=d1", b).IsError());
                    Assert.AreEqual(b, m.AccessToken());
                }
            }
        }

        // ---- arguments and lifetimes --------------------------------------------------------------

        [Test]
        public void Arguments_AndDispose()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (EnosClient enos = new EnosClient(sandbox.Url, Sandbox.EnosAppKey, Sandbox.EnosAppSecret))
            {
                Assert.Throws<ArgumentNullException>(() => new TokenManager(null, store, "a"));
                Assert.Throws<ArgumentNullException>(() => new TokenManager(client, null, "a"));
                Assert.Throws<IopInvalidArgumentException>(() => new TokenManager(client, store, null));
                Assert.Throws<ArgumentNullException>(() => TokenManager.ForEnos(null, store, "a"));
                Assert.Throws<ArgumentNullException>(() => TokenManager.ForEnos(enos, null, "a"));
                Assert.Throws<ArgumentNullException>(() => new CallbackTokenStore(null));
                Assert.Throws<IopInvalidArgumentException>(() => new TokenManager(client, store, ""));
                Assert.Throws<IopInvalidArgumentException>(() => TokenManager.ForEnos(enos, store, ""));
                Assert.Throws<IopInvalidArgumentException>(() => new TokenManager(client, store, "a", TimeSpan.FromSeconds(-1)));

                TokenManager m = new TokenManager(client, store, "a", TimeSpan.Zero);
                Assert.Throws<IopInvalidArgumentException>(() => m.CreateToken(null));
                Assert.Throws<IopInvalidArgumentException>(() => m.CreateToken(""));
                m.Dispose();
                m.Dispose();
                Assert.Throws<ObjectDisposedException>(() => m.AccessToken());
                Assert.Throws<ObjectDisposedException>(() => m.LoadRecord());
                Assert.Throws<ObjectDisposedException>(() => m.CreateToken("c"));

                MemoryTokenStore closed = new MemoryTokenStore();
                closed.Dispose();
                closed.Dispose();
                Assert.Throws<ObjectDisposedException>(() => new TokenManager(client, closed, "a"));
                using (IopClient gone = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
                {
                    gone.Dispose();
                    Assert.Throws<ObjectDisposedException>(() => new TokenManager(gone, store, "a"));
                }
            }
        }

        [Test]
        public void Manager_OutlivesItsClientAndStoreWrappers()
        {
            IopClient own = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret);
            MemoryTokenStore store = new MemoryTokenStore();
            using (TokenManager m = new TokenManager(own, store, "outlives", LongMargin))
            {
                m.CreateToken(sandbox.NewCode());
                own.Dispose();
                store.Dispose();
                AssertWorks(m.AccessToken());
            }
        }
    }

    /// <summary>An application store for the tests: records and versions in a dictionary, one
    /// lock per account, counts of calls, and switches that make callbacks fail.</summary>
    public sealed class DictionaryStore : ITokenStoreCallbacks
    {
        private readonly object sync = new object();
        private readonly Dictionary<string, KeyValuePair<ulong, string>> records = new Dictionary<string, KeyValuePair<ulong, string>>();
        private readonly Dictionary<string, SemaphoreSlim> locks = new Dictionary<string, SemaphoreSlim>();
        private int loads, swaps, lockCount, unlocks, listings;

        public volatile bool FailLoad, FailSwap, RefuseLock, Garbage, NoAccounts;
        public readonly HashSet<int> Threads = new HashSet<int>();

        public int Loads { get { return Volatile.Read(ref loads); } }
        public int Swaps { get { return Volatile.Read(ref swaps); } }
        public int Locks { get { return Volatile.Read(ref lockCount); } }
        public int Unlocks { get { return Volatile.Read(ref unlocks); } }
        public int Listings { get { return Volatile.Read(ref listings); } }

        public ulong VersionOf(string account)
        {
            lock (sync)
            {
                return records[account].Key;
            }
        }

        public string JsonOf(string account)
        {
            lock (sync)
            {
                return records[account].Value;
            }
        }

        private void Seen()
        {
            lock (Threads)
            {
                Threads.Add(Thread.CurrentThread.ManagedThreadId);
            }
        }

        public string Load(string account)
        {
            Seen();
            Interlocked.Increment(ref loads);
            if (FailLoad)
            {
                throw new InvalidOperationException("database is down (load)");
            }
            if (Garbage)
            {
                return "{not json";
            }
            lock (sync)
            {
                KeyValuePair<ulong, string> r;
                return records.TryGetValue(account, out r) ? r.Value : null;
            }
        }

        public bool CompareAndSwap(string account, ulong expectedVersion, string recordJson)
        {
            Seen();
            Interlocked.Increment(ref swaps);
            if (FailSwap)
            {
                throw new InvalidOperationException("database is down (swap)");
            }
            lock (sync)
            {
                KeyValuePair<ulong, string> r;
                ulong current = records.TryGetValue(account, out r) ? r.Key : 0;
                if (current != expectedVersion)
                {
                    return false;
                }
                records[account] = new KeyValuePair<ulong, string>(expectedVersion + 1, recordJson);
                return true;
            }
        }

        public bool Lock(string account, TimeSpan timeout)
        {
            Seen();
            Interlocked.Increment(ref lockCount);
            if (RefuseLock)
            {
                Interlocked.Decrement(ref lockCount);
                return false;
            }
            SemaphoreSlim s;
            lock (sync)
            {
                if (!locks.TryGetValue(account, out s))
                {
                    s = new SemaphoreSlim(1, 1);
                    locks[account] = s;
                }
            }
            TimeSpan wait = timeout > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : timeout;
            if (!s.Wait(wait))
            {
                Interlocked.Decrement(ref lockCount);
                return false;
            }
            return true;
        }

        public void Unlock(string account)
        {
            Seen();
            Interlocked.Increment(ref unlocks);
            lock (sync)
            {
                locks[account].Release();
            }
        }

        public IList<string> Accounts()
        {
            Seen();
            Interlocked.Increment(ref listings);
            if (NoAccounts)
            {
                return null;
            }
            lock (sync)
            {
                return records.Keys.ToList();
            }
        }
    }
}
