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
    /// <summary>The token manager and its stores against the sandbox (tokens live 7 days, refresh
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

        // ---- memory store ----------------------------------------------------------------------

        [Test]
        public void Memory_CreateToken_ThenTheSameTokenWhileFresh()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (TokenManager m = new TokenManager(client, store, "seller-1"))
            {
                Assert.AreEqual("seller-1", m.Account);
                Assert.AreSame(store, m.Store);
                m.CreateToken(sandbox.NewCode());
                TokenRecord r = m.Record();
                Assert.AreEqual(1UL, r.Version);
                Assert.IsTrue(r.CanRefresh);
                Assert.IsNull(r.ReauthorizationReason);
                Assert.IsNull(r.RefreshStartedAt);
                Assert.Greater(r.ExpiresAt, DateTimeOffset.UtcNow.AddDays(6));
                Assert.AreEqual(r.RefreshExpiresAt, r.ReauthorizeBy);
                Assert.Greater(r.ReauthorizeBy.Value, DateTimeOffset.UtcNow.AddDays(29));
                Assert.LessOrEqual(r.GrantedAt, DateTimeOffset.UtcNow);

                string a = m.AccessToken();
                Assert.AreEqual(r.AccessToken, a);
                Assert.AreEqual(a, m.AccessToken());
                Assert.AreEqual(1UL, m.Record().Version, "no refresh while the token is fresh");
                AssertWorks(a);
                StringAssert.DoesNotContain(a, r.ToString());
                StringAssert.DoesNotContain(r.RefreshToken, r.ToString());
            }
        }

        [Test]
        public void Memory_LongMargin_EveryCallRefreshesAndRotates()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (TokenManager m = new TokenManager(client, store, "seller-2", LongMargin))
            {
                m.CreateToken(sandbox.NewCode());
                TokenRecord granted = m.Record();
                string a1 = m.AccessToken();
                TokenRecord r1 = m.Record();
                string a2 = m.AccessToken();
                TokenRecord r2 = m.Record();
                Assert.AreNotEqual(granted.AccessToken, a1);
                Assert.AreNotEqual(a1, a2);
                Assert.AreEqual(a1, r1.AccessToken);
                Assert.AreEqual(a2, r2.AccessToken);
                Assert.AreNotEqual(granted.RefreshToken, r1.RefreshToken, "the refresh token rotates");
                Assert.AreNotEqual(r1.RefreshToken, r2.RefreshToken);
                Assert.Greater(r2.Version, r1.Version);
                Assert.AreEqual(granted.GrantedAt, r2.GrantedAt);
                Assert.IsNull(r2.RefreshStartedAt);
                Assert.IsNull(r2.ReauthorizationReason);
                AssertWorks(a1);
                AssertWorks(a2);
            }
        }

        [Test]
        public void Memory_ThreadsShareOneManager_NoRefreshRaces()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (TokenManager m = new TokenManager(client, store, "seller-threads", LongMargin))
            {
                m.CreateToken(sandbox.NewCode());
                List<string> tokens = new List<string>();
                List<Exception> errors = new List<Exception>();
                Thread[] threads = new Thread[8];
                for (int t = 0; t < threads.Length; t++)
                {
                    threads[t] = new Thread(() =>
                    {
                        try
                        {
                            for (int i = 0; i < 4; i++)
                            {
                                string a = m.AccessToken();
                                lock (tokens)
                                {
                                    tokens.Add(a);
                                }
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
                    threads[t].Start();
                }
                foreach (Thread t in threads)
                {
                    t.Join();
                }
                Assert.IsEmpty(errors, string.Join("\n", errors.Select(e => e.ToString()).ToArray()));
                Assert.AreEqual(32, tokens.Count);
                TokenRecord r = m.Record();
                // A refresh racing another would have sent a rotated-away refresh token and killed
                // the grant.
                Assert.IsNull(r.ReauthorizationReason);
                Assert.Greater(r.Version, 2UL);
                AssertWorks(r.AccessToken);
                AssertWorks(tokens[tokens.Count - 1]);
            }
        }

        [Test]
        public void NothingStored_ReauthorizationRequired()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (TokenManager m = new TokenManager(client, store, "nobody"))
            {
                Assert.IsNull(m.Record());
                IopReauthorizationRequiredException e = Assert.Throws<IopReauthorizationRequiredException>(() => m.AccessToken());
                Assert.AreEqual(IopStatus.ReauthorizationRequired, e.Status);
                Assert.AreEqual("IOP_ERR_REAUTHORIZATION_REQUIRED", e.StatusName);
                Assert.IsInstanceOf<IopException>(e);
            }
        }

        [Test]
        public void RotatedAwayRefreshToken_StaleTokenServedAndReasonRecorded()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            {
                using (TokenManager seed = new TokenManager(client, store, "rotated"))
                {
                    seed.CreateToken(sandbox.NewCode());
                }
                using (TokenManager m = new TokenManager(client, store, "rotated", LongMargin))
                {
                    TokenRecord granted = m.Record();
                    // Someone else refreshes the grant behind the manager's back: the stored
                    // refresh token is dead from now on.
                    client.RefreshToken(granted.RefreshToken);

                    Assert.AreEqual(granted.AccessToken, m.AccessToken(), "the stale token is served while valid");
                    TokenRecord dead = m.Record();
                    Assert.IsNotNullOrEmpty(dead.ReauthorizationReason);
                    Assert.AreEqual(granted.AccessToken, dead.AccessToken);
                    Assert.IsNull(dead.RefreshStartedAt);

                    Assert.AreEqual(granted.AccessToken, m.AccessToken());
                    Assert.AreEqual(dead.Version, m.Record().Version, "a dead grant is never sent again");

                    IReadOnlyList<ReauthorizationDeadline> due = store.ReauthorizationDue(TimeSpan.Zero);
                    Assert.AreEqual(1, due.Count);
                    Assert.AreEqual("rotated", due[0].Account);
                    Assert.LessOrEqual(due[0].ReauthorizeBy, DateTimeOffset.UtcNow);
                }
            }
        }

        [Test]
        public void ReauthorizationDue_LargeWindowListsTheGrant_ZeroDoesNot()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (TokenManager m = new TokenManager(client, store, "due-1"))
            {
                Assert.IsEmpty(store.ReauthorizationDue(TimeSpan.FromDays(365)));
                m.CreateToken(sandbox.NewCode());
                Assert.IsEmpty(store.ReauthorizationDue(TimeSpan.Zero));
                IReadOnlyList<ReauthorizationDeadline> due = store.ReauthorizationDue(TimeSpan.FromDays(60));
                Assert.AreEqual(1, due.Count);
                Assert.AreEqual("due-1", due[0].Account);
                Assert.AreEqual(m.Record().ReauthorizeBy, due[0].ReauthorizeBy);
                Assert.Throws<ArgumentOutOfRangeException>(() => store.ReauthorizationDue(TimeSpan.FromSeconds(-1)));
            }
        }

        [Test]
        public void StoreGrant_KeepsTheTokensExpiries()
        {
            Token t = client.CreateToken(sandbox.NewCode());
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (TokenManager m = new TokenManager(client, store, "granted"))
            {
                m.StoreGrant(t);
                TokenRecord r = m.Record();
                Assert.AreEqual(1UL, r.Version);
                Assert.AreEqual(t.AccessToken, r.AccessToken);
                Assert.AreEqual(t.RefreshToken, r.RefreshToken);
                Assert.AreEqual(t.ExpiresAt, r.ExpiresAt);
                Assert.AreEqual(t.RefreshExpiresAt, r.RefreshExpiresAt);
                Assert.AreEqual(t.CanRefresh, r.CanRefresh);
                Assert.AreEqual(t.SellerId, r.SellerId);
                Assert.AreEqual(t.Country, r.Country);
                Assert.AreEqual(t.AccessToken, m.AccessToken());

                m.StoreGrant(t);
                Assert.AreEqual(2UL, m.Record().Version, "a new grant replaces the record");
                Assert.Throws<ArgumentNullException>(() => m.StoreGrant(null));
            }
        }

        [Test]
        public void StoreGrant_ExpiredDeadGrant_ReauthorizationRequired()
        {
            // An expired access token with a refresh token the platform does not know.
            DateTimeOffset receivedAt = DateTimeOffset.UtcNow.AddHours(-1);
            Token t = Token.Parse("{\"code\":\"0\",\"access_token\":\"at-expired\",\"refresh_token\":\"rt-unknown\","
                + "\"expires_in\":60,\"refresh_expires_in\":86400}", receivedAt);
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (TokenManager m = new TokenManager(client, store, "expired"))
            {
                m.StoreGrant(t);
                TokenRecord r = m.Record();
                Assert.AreEqual(t.ExpiresAt, r.ExpiresAt, "relative lifetimes counted from the original receipt");
                Assert.AreEqual(receivedAt.AddSeconds(86400).ToUnixTimeMilliseconds(), r.RefreshExpiresAt.Value.ToUnixTimeMilliseconds());

                IopReauthorizationRequiredException e = Assert.Throws<IopReauthorizationRequiredException>(() => m.AccessToken());
                StringAssert.DoesNotContain("rt-unknown", e.Message);
                StringAssert.DoesNotContain("at-expired", e.Message);
                Assert.IsNotNullOrEmpty(m.Record().ReauthorizationReason);
                ulong version = m.Record().Version;
                Assert.Throws<IopReauthorizationRequiredException>(() => m.AccessToken());
                Assert.AreEqual(version, m.Record().Version);
            }
        }

        [Test]
        public void CreateToken_InvalidCode_IsAPlatformExceptionAndStoresNothing()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (TokenManager m = new TokenManager(client, store, "bad-code"))
            {
                Assert.AreEqual("InvalidCode", Assert.Throws<IopPlatformException>(() => m.CreateToken("0_100001_not-a-code")).ErrorCode);
                Assert.IsNull(m.Record());
            }
        }

        // ---- file store ------------------------------------------------------------------------

        [Test]
        public void File_SameFlow_Mode0600_SharedAcrossStores_NoSecret()
        {
            string path = Path.Combine(dir, "tokens.json");
            using (FileTokenStore store = new FileTokenStore(path))
            using (TokenManager m = new TokenManager(client, store, "file-seller"))
            {
                Assert.AreEqual(path, store.Path);
                Assert.IsFalse(File.Exists(path), "created on the first write");
                m.CreateToken(sandbox.NewCode());
                string a = m.AccessToken();
                Assert.AreEqual(a, m.AccessToken());
                AssertWorks(a);
                Assert.AreEqual("600", FileMode(path));
                string text = File.ReadAllText(path);
                StringAssert.Contains("file-seller", text);
                StringAssert.DoesNotContain(Sandbox.AppSecret, text);

                // Another store on the same file (as another process would open it) refreshes;
                // the first manager then serves the new token from the file.
                using (FileTokenStore other = new FileTokenStore(path))
                using (TokenManager eager = new TokenManager(client, other, "file-seller", LongMargin))
                {
                    string b = eager.AccessToken();
                    Assert.AreNotEqual(a, b);
                    AssertWorks(b);
                    Assert.AreEqual(b, m.AccessToken());
                    Assert.AreEqual(eager.Record().Version, m.Record().Version);
                }
                Assert.AreEqual("600", FileMode(path));
                StringAssert.DoesNotContain(Sandbox.AppSecret, File.ReadAllText(path));
                Assert.AreEqual(1, store.ReauthorizationDue(TimeSpan.FromDays(60)).Count);
            }
        }

        [Test]
        public void File_BadPaths()
        {
            Assert.Throws<ArgumentNullException>(() => new FileTokenStore(null));
            Assert.Throws<IopInvalidArgumentException>(() => new FileTokenStore(""));
            using (FileTokenStore store = new FileTokenStore(Path.Combine(dir, "no-such-dir", "tokens.json")))
            using (TokenManager m = new TokenManager(client, store, "x"))
            {
                Assert.Throws<IopInvalidArgumentException>(() => m.CreateToken(sandbox.NewCode()));
            }
        }

        private static string FileMode(string path)
        {
            ProcessStartInfo psi = new ProcessStartInfo("stat", "-c %a \"" + path + "\"")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
            };
            using (Process p = Process.Start(psi))
            {
                string mode = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                return mode;
            }
        }

        // ---- callback store ----------------------------------------------------------------------

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
                Assert.AreEqual(m.Record().Version, db.VersionOf("cb-seller"));
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
                Assert.IsNull(m.Record().ReauthorizationReason);
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
                Assert.Throws<IopInternalException>(() => m.Record());
                db.FailLoad = false;

                db.RefuseLock = true;
                Assert.Throws<IopTimeoutException>(() => m.AccessToken());
                db.RefuseLock = false;

                db.Garbage = true;
                Assert.Throws<IopMalformedResponseException>(() => m.Record());
                db.Garbage = false;

                db.NoAccounts = true;
                Assert.Throws<NotSupportedException>(() => store.ReauthorizationDue(TimeSpan.FromDays(1)));
                db.NoAccounts = false;

                // A failure leaves nothing behind: the next calls work.
                AssertWorks(m.AccessToken());
                Assert.IsNull(m.Record().ReauthorizationReason);
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
                Assert.IsNull(m.Record());
                string a = m.AccessToken();
                Assert.IsNotNullOrEmpty(a);
                Assert.AreEqual(a, m.AccessToken());
                TokenRecord r = m.Record();
                Assert.AreEqual(a, r.AccessToken);
                Assert.AreEqual(string.Empty, r.RefreshToken);
                Assert.IsNull(r.ReauthorizeBy);
                Assert.Greater(r.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(100));
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

        [Test]
        public void Enos_SetCaBundle()
        {
            string notPem = Path.Combine(dir, "not.pem");
            File.WriteAllText(notPem, "not a certificate");
            const string system = "/etc/ssl/certs/ca-certificates.crt";
            Assert.IsTrue(File.Exists(system), system + " (Debian's ca-certificates) is needed by this test");
            using (EnosClient enos = new EnosClient(sandbox.Url, Sandbox.EnosAppKey, Sandbox.EnosAppSecret))
            {
                Assert.Throws<ArgumentNullException>(() => enos.SetCaBundle(null));
                Assert.Throws<IopInvalidArgumentException>(() => enos.SetCaBundle(Path.Combine(dir, "missing.pem")));
                Assert.Throws<IopInvalidArgumentException>(() => enos.SetCaBundle(notPem));
                enos.SetCaBundle(system);
                Assert.IsNotNullOrEmpty(enos.GetToken().AccessToken);
                enos.Dispose();
                Assert.Throws<ObjectDisposedException>(() => enos.SetCaBundle(system));
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
                Assert.Throws<ArgumentNullException>(() => new TokenManager(client, store, null));
                Assert.Throws<ArgumentNullException>(() => TokenManager.ForEnos(null, store, "a"));
                Assert.Throws<ArgumentNullException>(() => TokenManager.ForEnos(enos, null, "a"));
                Assert.Throws<ArgumentNullException>(() => new CallbackTokenStore(null));
                Assert.Throws<IopInvalidArgumentException>(() => new TokenManager(client, store, ""));
                Assert.Throws<IopInvalidArgumentException>(() => TokenManager.ForEnos(enos, store, ""));
                Assert.Throws<ArgumentOutOfRangeException>(() => new TokenManager(client, store, "a", TimeSpan.FromSeconds(-1)));

                TokenManager m = new TokenManager(client, store, "a", TimeSpan.Zero);
                Assert.Throws<ArgumentNullException>(() => m.CreateToken(null));
                Assert.Throws<IopInvalidArgumentException>(() => m.CreateToken(""));
                m.Dispose();
                m.Dispose();
                Assert.Throws<ObjectDisposedException>(() => m.AccessToken());
                Assert.Throws<ObjectDisposedException>(() => m.Record());
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
