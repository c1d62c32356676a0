using System;
using System.Collections.Generic;
using System.Linq;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>
    /// <see cref="RedisTokenStore"/> against a real redis-server started by the fixture (and
    /// killed by it) and the sandbox (tokens live 7 days; a margin of 8 days makes every
    /// AccessToken() refresh).
    /// </summary>
    [TestFixture]
    public class RedisStoreTests
    {
        private static readonly TimeSpan LongMargin = TimeSpan.FromDays(8);
        private static readonly byte[] Key = Enumerable.Repeat((byte)7, 32).ToArray();

        private Sandbox sandbox;
        private IopClient client;
        private RedisServer redis;

        [TestFixtureSetUp]
        public void Start()
        {
            try
            {
                sandbox = new Sandbox();
                client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret);
                redis = new RedisServer();
            }
            catch (Exception)
            {
                Stop();
                throw;
            }
        }

        [TestFixtureTearDown]
        public void Stop()
        {
            if (redis != null)
            {
                redis.Dispose();
            }
            if (client != null)
            {
                client.Dispose();
            }
            if (sandbox != null)
            {
                sandbox.Dispose();
            }
        }

        private void AssertWorks(string accessToken)
        {
            IopResponse r = client.Execute(new IopRequest("/seller/get"), accessToken);
            Assert.IsFalse(r.IsError(), r.Body);
        }

        /// <summary>The stored record's <c>data</c> field, read straight from Redis.</summary>
        private string RawRecord(string keyNamespace, string account)
        {
            return redis.Command("HGET", keyNamespace + ":" + Sandbox.AppKey + ":" + account + ":record", "data");
        }

        /// <summary>
        /// create_token, the same working token while fresh, then a manager with an 8-day margin on
        /// a second store (as another host would open it) refreshing to a new working token that
        /// the first manager then serves, and the account in the due list.
        /// </summary>
        private void Flow(Func<RedisTokenStore> open, string account)
        {
            using (RedisTokenStore store = open())
            using (RedisTokenStore other = open())
            using (TokenManager m = new TokenManager(client, store, account))
            using (TokenManager eager = new TokenManager(client, other, account, LongMargin))
            {
                Assert.IsNull(m.LoadRecord());
                Assert.Throws<IopReauthorizationRequiredException>(() => m.AccessToken());
                m.CreateToken(sandbox.NewCode());
                Dictionary<string, object> granted = MiniJson.Object(m.LoadRecord());
                Assert.AreEqual(1L, granted["version"]);
                string a = m.AccessToken();
                Assert.AreEqual(granted["access_token"], a);
                Assert.AreEqual(a, m.AccessToken());
                Assert.AreEqual(1L, MiniJson.Object(m.LoadRecord())["version"], "no refresh while the token is fresh");
                AssertWorks(a);

                string b = eager.AccessToken();
                Assert.AreNotEqual(a, b, "the 8-day margin refreshes");
                AssertWorks(b);
                Dictionary<string, object> refreshed = MiniJson.Object(eager.LoadRecord());
                Assert.AreNotEqual(granted["refresh_token"], refreshed["refresh_token"], "the refresh token rotates");
                Assert.Greater((long)refreshed["version"], (long)granted["version"]);
                Assert.AreEqual(b, m.AccessToken(), "the other store sees the new pair");
                string c = eager.AccessToken();
                Assert.AreNotEqual(b, c);
                AssertWorks(c);

                Assert.IsEmpty(store.ReauthorizationDue(TimeSpan.Zero));
                IReadOnlyList<ReauthorizationDeadline> due = other.ReauthorizationDue(TimeSpan.FromDays(40));
                Assert.AreEqual(account, due.Single().Account);
                Assert.AreEqual(MiniJson.Object(eager.LoadRecord())["reauthorize_by_ms"], due.Single().ReauthorizeBy.ToUnixTimeMilliseconds());
            }
        }

        [Test]
        public void Plain_Flow_RecordsAreJsonInRedis()
        {
            Flow(() => new RedisTokenStore(redis.Url, Sandbox.AppKey, "dotnet-plain"), "seller-plain");
            string raw = RawRecord("dotnet-plain", "seller-plain");
            Assert.IsNotNull(raw, "the record is at <namespace>:<appKey>:<account>:record");
            StringAssert.StartsWith("{", raw);
            StringAssert.DoesNotContain(Sandbox.AppSecret, raw);
        }

        [Test]
        public void DefaultNamespace_IsIopkit()
        {
            using (RedisTokenStore store = new RedisTokenStore(redis.Url, Sandbox.AppKey))
            using (TokenManager m = new TokenManager(client, store, "seller-default-ns"))
            {
                Assert.IsNull(store.KeyNamespace);
                m.CreateToken(sandbox.NewCode());
                StringAssert.Contains(m.AccessToken(), RawRecord("iopkit", "seller-default-ns"));
            }
        }

        [Test]
        public void Encrypted_Flow_WrongKeyAndNoKeyFailWithTheLibrarysError()
        {
            Flow(() => new RedisTokenStore(redis.Url, Sandbox.AppKey, "dotnet-sealed", Key, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)),
                "seller-sealed");
            string accessToken;
            using (RedisTokenStore store = new RedisTokenStore(redis.Url, Sandbox.AppKey, "dotnet-sealed", Key))
            using (TokenManager m = new TokenManager(client, store, "seller-sealed"))
            {
                Assert.IsTrue(store.Encrypted);
                accessToken = m.AccessToken();
                AssertWorks(accessToken);
            }
            string raw = RawRecord("dotnet-sealed", "seller-sealed");
            Assert.IsNotNull(raw);
            Assert.IsFalse(raw.StartsWith("{"), "sealed, not JSON");
            StringAssert.DoesNotContain(accessToken, raw);

            byte[] otherKey = Enumerable.Repeat((byte)8, 32).ToArray();
            using (RedisTokenStore wrongKey = new RedisTokenStore(redis.Url, Sandbox.AppKey, "dotnet-sealed", otherKey))
            using (TokenManager m = new TokenManager(client, wrongKey, "seller-sealed"))
            {
                IopInvalidArgumentException e = Assert.Throws<IopInvalidArgumentException>(() => m.AccessToken());
                StringAssert.Contains("another key", e.Message);
                StringAssert.DoesNotContain(accessToken, e.Message);
                Assert.Throws<IopInvalidArgumentException>(() => m.LoadRecord());
            }
            using (RedisTokenStore noKey = new RedisTokenStore(redis.Url, Sandbox.AppKey, "dotnet-sealed"))
            using (TokenManager m = new TokenManager(client, noKey, "seller-sealed"))
            {
                Assert.IsFalse(noKey.Encrypted);
                StringAssert.Contains("encrypted", Assert.Throws<IopInvalidArgumentException>(() => m.AccessToken()).Message);
            }
            // The failures changed nothing: the right key still reads the same token.
            using (RedisTokenStore store = new RedisTokenStore(redis.Url, Sandbox.AppKey, "dotnet-sealed", Key))
            using (TokenManager m = new TokenManager(client, store, "seller-sealed"))
            {
                Assert.AreEqual(accessToken, m.AccessToken());
            }
        }

        [Test]
        public void BadArguments()
        {
            string url = redis.Url;
            AssertBadKeyLength(new byte[5]);
            AssertBadKeyLength(new byte[0]);
            AssertBadKeyLength(new byte[33]);
            Assert.Throws<IopInvalidArgumentException>(() => new RedisTokenStore(null, Sandbox.AppKey));
            Assert.Throws<IopInvalidArgumentException>(() => new RedisTokenStore(url, null));
            Assert.Throws<IopInvalidArgumentException>(() => new RedisTokenStore(url, ""));
            Assert.Throws<IopInvalidArgumentException>(() => new RedisTokenStore("", Sandbox.AppKey));
            StringAssert.Contains("key_namespace", Assert.Throws<IopInvalidArgumentException>(() => new RedisTokenStore(url, Sandbox.AppKey, "a:b")).Message);
            StringAssert.Contains("lease", Assert.Throws<IopInvalidArgumentException>(
                () => new RedisTokenStore(url, Sandbox.AppKey, lease: TimeSpan.Zero)).Message);
            StringAssert.Contains("timeout", Assert.Throws<IopInvalidArgumentException>(
                () => new RedisTokenStore(url, Sandbox.AppKey, timeout: TimeSpan.FromSeconds(-1))).Message);
            IopInvalidArgumentException scheme = Assert.Throws<IopInvalidArgumentException>(
                () => new RedisTokenStore("http://user:pw-dotnet-9@127.0.0.1:" + redis.Port, Sandbox.AppKey));
            StringAssert.DoesNotContain("pw-dotnet-9", scheme.Message);
            StringAssert.DoesNotContain("pw-dotnet-9", scheme.ToString());

            // A sub-millisecond lease or timeout is rounded up, not taken as "default".
            using (RedisTokenStore store = new RedisTokenStore(url, Sandbox.AppKey, lease: TimeSpan.FromTicks(1), timeout: TimeSpan.FromSeconds(2)))
            {
                Assert.AreEqual(TimeSpan.FromTicks(1), store.Lease);
                Assert.AreEqual(TimeSpan.FromSeconds(2), store.Timeout);
            }

            RedisTokenStore disposed = new RedisTokenStore(url, Sandbox.AppKey);
            disposed.Dispose();
            disposed.Dispose();
            Assert.Throws<ObjectDisposedException>(() => new TokenManager(client, disposed, "x"));
        }

        private void AssertBadKeyLength(byte[] key)
        {
            IopInvalidArgumentException e = Assert.Throws<IopInvalidArgumentException>(
                () => new RedisTokenStore(redis.Url, Sandbox.AppKey, encryptionKey: key), "a key of " + key.Length + " bytes");
            Assert.AreEqual(IopStatus.InvalidArgument, e.Status);
            StringAssert.Contains("key_len", e.Message);
            StringAssert.Contains("32", e.Message);
        }

        [Test]
        public void Unreachable_ConnectError_PasswordNeverShown()
        {
            const string password = "s3cret-pw";
            string url = "redis://:" + password + "@127.0.0.1:" + RedisServer.FreePort();
            using (RedisTokenStore store = new RedisTokenStore(url, Sandbox.AppKey, "dotnet-down", timeout: TimeSpan.FromSeconds(2)))
            using (TokenManager m = new TokenManager(client, store, "seller-down"))
            {
                StringAssert.DoesNotContain(password, store.ToString());
                StringAssert.DoesNotContain("127.0.0.1", store.ToString());
                StringAssert.Contains("RedisTokenStore(AppKey=" + Sandbox.AppKey, store.ToString());

                IopConnectException e = Assert.Throws<IopConnectException>(() => m.AccessToken());
                Assert.AreEqual(IopStatus.Connect, e.Status);
                StringAssert.Contains("token store (redis", e.Message);
                StringAssert.DoesNotContain(password, e.Message);
                StringAssert.DoesNotContain(password, e.ToString());

                IopConnectException due = Assert.Throws<IopConnectException>(() => store.ReauthorizationDue(TimeSpan.FromDays(1)));
                StringAssert.DoesNotContain(password, due.Message);
            }
        }
    }
}
