using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>The EnOS client against the sandbox's token service and protected API.</summary>
    [TestFixture]
    public class EnosTests
    {
        private Sandbox sandbox;

        [TestFixtureSetUp]
        public void StartSandbox()
        {
            sandbox = new Sandbox();
        }

        [TestFixtureTearDown]
        public void StopSandbox()
        {
            sandbox.Dispose();
        }

        private EnosClient NewClient()
        {
            return new EnosClient(sandbox.Url, Sandbox.EnosAppKey, Sandbox.EnosAppSecret);
        }

        private static void AssertFresh(EnosToken t)
        {
            Assert.IsNotNullOrEmpty(t.AccessToken);
            DateTimeOffset now = DateTimeOffset.UtcNow;
            // The sandbox app's lifetime is 7200 s, counted from when the answer arrived.
            Assert.Greater(t.ExpiresAt, now.AddSeconds(7200 - 60), t.ToString());
            Assert.LessOrEqual(t.ExpiresAt, now.AddSeconds(7200 + 1), t.ToString());
        }

        private static int ClosedPort()
        {
            TcpListener l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        [Test]
        public void Seed004_RefreshWithTheDocumentedAppKeyAndAccessToken()
        {
            // Seed 004: POST /apim-token-service/v2.0/token/refresh with appKey
            // 5acb82e7-a11e-4300-9164-c8b20b638e8b, accessToken adsfwerasdfsdfasggaaf, a timestamp and
            // the encryption computed from them (the client does both; the sandbox checks them).
            using (EnosClient client = new EnosClient(sandbox.Url, "5acb82e7-a11e-4300-9164-c8b20b638e8b", Sandbox.EnosAppSecret))
            {
                EnosToken refreshed = client.RefreshToken("adsfwerasdfsdfasggaaf");
                AssertFresh(refreshed);
                Assert.AreNotEqual("adsfwerasdfsdfasggaaf", refreshed.AccessToken);
                // The refreshed token is the one to use from now on: get returns it, and it works.
                Assert.AreEqual(refreshed.AccessToken, client.GetToken().AccessToken);
                IopResponse r = client.Call("GET", Sandbox.EnosApi + "?action=get", refreshed.AccessToken);
                Assert.IsFalse(r.IsError(), r.Body);
            }
        }




        [Test]
        public void SignedHeaders_WorkWithAnotherHttpClient()
        {
            using (EnosClient client = NewClient())
            {
                string token = client.GetToken().AccessToken;
                string path = Sandbox.EnosApi + "?orgId=o1&action=get";
                ApimHeaders h = client.Sign(token, path);
                HttpWebRequest req = (HttpWebRequest)WebRequest.Create(sandbox.Url + path);
                req.Proxy = null;
                req.KeepAlive = false;
                foreach (KeyValuePair<string, string> kv in h.Headers)
                {
                    req.Headers[kv.Key] = kv.Value;
                }
                using (HttpWebResponse resp = (HttpWebResponse)req.GetResponse())
                using (StreamReader r = new StreamReader(resp.GetResponseStream(), Encoding.UTF8))
                {
                    Assert.AreEqual(200, (int)resp.StatusCode);
                    string body = r.ReadToEnd();
                    StringAssert.Contains("\"code\":0", body);
                    StringAssert.Contains("\"orgId\":\"o1\"", body);
                }
            }
        }


        [Test]
        public void Call_PostWithJsonBody_Utf8BothWays()
        {
            using (EnosClient client = NewClient())
            {
                string token = client.GetToken().AccessToken;
                string body = "{\"productKey\":\"pk123\",\"deviceName\":{\"defaultValue\":\"设备-Ünï-🙂\"}}";
                IopResponse r = client.Call("POST", Sandbox.EnosApi + "?action=create&orgId=o1", body, token);
                Assert.IsFalse(r.IsError(), r.Body);
                Assert.AreEqual("0", r.Code);
                StringAssert.Contains("\"method\":\"POST\"", r.Body);
                StringAssert.Contains("\"productKey\":\"pk123\"", r.Body);
                StringAssert.Contains("\"defaultValue\":\"设备-Ünï-🙂\"", r.Body);
                StringAssert.Contains("\"action\":\"create\"", r.Body);

                IopResponse bytes = client.Call("PUT", Sandbox.EnosApi + "?action=update", Encoding.UTF8.GetBytes("{\"n\":1}"), token);
                Assert.IsFalse(bytes.IsError(), bytes.Body);
                StringAssert.Contains("\"method\":\"PUT\"", bytes.Body);
                StringAssert.Contains("\"n\":1", bytes.Body);
            }
        }




        [Test]
        public void ExpiredToken_RefreshIsTokenExpired_CallIs401_GetGivesANewOne()
        {
            // A sandbox of its own: the clock moves.
            using (Sandbox own = new Sandbox())
            using (EnosClient client = new EnosClient(own.Url, Sandbox.EnosAppKey, Sandbox.EnosAppSecret))
            {
                EnosToken old = client.GetToken();
                own.AdvanceClock(7201);

                IopTokenExpiredException e = Assert.Throws<IopTokenExpiredException>(() => client.RefreshToken(old.AccessToken));
                Assert.AreEqual("1203", e.ErrorCode);
                Assert.AreEqual(IopStatus.TokenExpired, e.Status);
                Assert.AreEqual("IOP_ERR_TOKEN_EXPIRED", e.StatusName);
                Assert.AreEqual(200, e.HttpStatus);
                Assert.IsInstanceOf<IopPlatformException>(e, "existing catch (IopPlatformException) blocks still catch it");
                StringAssert.DoesNotContain(old.AccessToken, e.ToString());
                try
                {
                    client.RefreshToken(old.AccessToken);
                    Assert.Fail("no exception");
                }
                catch (IopPlatformException caught)
                {
                    Assert.AreEqual("1203", caught.ErrorCode);
                }

                IopResponse r = client.Call("GET", Sandbox.EnosApi + "?action=get", old.AccessToken);
                Assert.IsTrue(r.IsError());
                Assert.AreEqual(401, r.HttpStatus);
                Assert.AreEqual("1203", r.Code);

                EnosToken fresh = client.GetToken();
                Assert.AreNotEqual(old.AccessToken, fresh.AccessToken);
                Assert.IsFalse(client.Call("GET", Sandbox.EnosApi + "?action=get", fresh.AccessToken).IsError());
            }
        }



        [Test]
        public void NullArguments_AreInvalidArgument_NamingTheArgument()
        {
            StringAssert.Contains("gateway_url", Assert.Throws<IopInvalidArgumentException>(() => new EnosClient(null, "k", "s")).Message);
            Assert.Throws<ArgumentNullException>(() => new EnosToken(null, DateTimeOffset.UtcNow));
            using (EnosClient client = new EnosClient("https://apigw.example.com", "k", "s"))
            {
                StringAssert.Contains("access_token", Assert.Throws<IopInvalidArgumentException>(() => client.RefreshToken(null)).Message);
                StringAssert.Contains("access_token", Assert.Throws<IopInvalidArgumentException>(() => client.Sign(null, "/p")).Message);
                StringAssert.Contains("path_and_query", Assert.Throws<IopInvalidArgumentException>(() => client.Sign("t", null)).Message);
                StringAssert.Contains("method", Assert.Throws<IopInvalidArgumentException>(() => client.Call(null, "/p", "t")).Message);
                StringAssert.Contains("access_token", Assert.Throws<IopInvalidArgumentException>(() => client.Call("POST", "/p", "{}", null)).Message);
            }
        }

        [Test]
        public void EmptyOrInvalidArguments_AreInvalidArgument_BeforeAnyNetwork()
        {
            foreach (string[] args in new[]
            {
                new[] { "", "k", "s" },
                new[] { "not a url", "k", "s" },
                new[] { "https://apigw.example.com", "", "s" },
                new[] { "https://apigw.example.com", "k", "" },
            })
            {
                IopInvalidArgumentException e = Assert.Throws<IopInvalidArgumentException>(() => new EnosClient(args[0], args[1], args[2]), string.Join("|", args));
                Assert.AreEqual(IopStatus.InvalidArgument, e.Status);
            }
            // A closed port: every one of these must be refused before connecting.
            using (EnosClient client = new EnosClient("http://127.0.0.1:" + ClosedPort(), "k", "s"))
            {
                StringAssert.Contains("access_token", Assert.Throws<IopInvalidArgumentException>(() => client.RefreshToken("")).Message);
                Assert.Throws<IopInvalidArgumentException>(() => client.Sign("", "/p"));
                Assert.Throws<IopInvalidArgumentException>(() => client.Sign("t", "/p", (byte[])null, DateTimeOffset.FromUnixTimeMilliseconds(-1)));
                Assert.Throws<IopInvalidArgumentException>(() => client.Call("GET", "/p", ""));
                Assert.Throws<IopInvalidArgumentException>(() => client.Call("", "/p", "t"));
                Assert.Throws<IopInvalidArgumentException>(() => client.Call("FETCH", "/p", "t"));
                Assert.Throws<IopInvalidArgumentException>(() => client.Call("GET", "p?x=1", "t"));
                Assert.Throws<IopInvalidArgumentException>(() => client.Call("GET", "/p", "{}", "t"), "GET takes no body");
                Assert.Throws<IopInvalidArgumentException>(() => client.SetConnectTimeout(TimeSpan.Zero));
                Assert.Throws<IopInvalidArgumentException>(() => client.SetReadTimeout(TimeSpan.FromSeconds(-1)));
            }
            Assert.Throws<IopInvalidArgumentException>(() => new EnosClient("https://apigw.example.com", "k", "s", TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        }

        [Test]
        public void Dispose_TwiceIsSafe_AndDisposedClientThrows()
        {
            EnosClient client = new EnosClient("https://apigw.example.com", "k", "s");
            client.Dispose();
            client.Dispose();
            Assert.Throws<ObjectDisposedException>(() => client.GetToken());
            Assert.Throws<ObjectDisposedException>(() => client.RefreshToken("t"));
            Assert.Throws<ObjectDisposedException>(() => client.Sign("t", "/p"));
            Assert.Throws<ObjectDisposedException>(() => client.Call("GET", "/p", "t"));
            Assert.Throws<ObjectDisposedException>(() => client.SetConnectTimeout(TimeSpan.FromSeconds(1)));
        }

        [Test]
        public void Token_ToStringRedacts_AndCanBeRebuilt()
        {
            using (EnosClient client = NewClient())
            {
                EnosToken t = client.GetToken();
                StringAssert.DoesNotContain(t.AccessToken, t.ToString());
                StringAssert.Contains("<redacted>", t.ToString());
                EnosToken kept = new EnosToken(t.AccessToken, t.ExpiresAt);
                Assert.AreEqual(t.ExpiresAt, kept.ExpiresAt);
                Assert.IsFalse(client.Call("GET", Sandbox.EnosApi + "?a=1", kept.AccessToken).IsError());
            }
        }

        [Test]
        public void OneClient_ManyThreads()
        {
            using (EnosClient client = NewClient())
            {
                string token = client.GetToken().AccessToken;
                int failures = 0;
                Thread[] threads = new Thread[8];
                for (int i = 0; i < threads.Length; i++)
                {
                    int n = i;
                    threads[i] = new Thread(() =>
                    {
                        for (int j = 0; j < 20; j++)
                        {
                            try
                            {
                                IopResponse r = client.Call("POST", Sandbox.EnosApi + "?t=" + n + "&j=" + j, "{\"n\":" + n + "}", token);
                                if (r.IsError() || !r.Body.Contains("\"j\":\"" + j + "\""))
                                {
                                    Interlocked.Increment(ref failures);
                                }
                            }
                            catch (Exception)
                            {
                                Interlocked.Increment(ref failures);
                            }
                        }
                    });
                    threads[i].Start();
                }
                foreach (Thread t in threads)
                {
                    t.Join();
                }
                Assert.AreEqual(0, failures);
            }
        }
    }
}
