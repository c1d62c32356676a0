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
        public void GetTwice_IsTheSameToken_RefreshGivesANewOneThatGetThenReturns()
        {
            using (EnosClient client = NewClient())
            {
                EnosToken first = client.GetToken();
                AssertFresh(first);
                EnosToken second = client.GetToken();
                Assert.AreEqual(first.AccessToken, second.AccessToken);
                EnosToken refreshed = client.RefreshToken(second.AccessToken);
                AssertFresh(refreshed);
                Assert.AreNotEqual(first.AccessToken, refreshed.AccessToken);
                Assert.AreEqual(refreshed.AccessToken, client.GetToken().AccessToken);
            }
        }

        [Test]
        public void Sign_MatchesTheApimVectors()
        {
            // /work/shared/vectors/enos.json, apim_sign_get_query_params and apim_sign_post_json_body.
            using (EnosClient client = new EnosClient("https://apigw.example.com", Sandbox.EnosAppKey, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"))
            {
                ApimHeaders get = client.Sign("APP_TOKEN_1a2b3c4d5e6f",
                    "https://apigw.example.com/connect-service/v2.1/devices?productKey=pk123&action=get&orgId=o15589290474951&deviceKey=dev001",
                    (byte[])null, DateTimeOffset.FromUnixTimeMilliseconds(1700000000123));
                Assert.AreEqual("794dd5d53820b1de07d78ff0dfab551758e08d085c25090edd78dcafbc6a10d9", get.Signature);
                Assert.AreEqual(1700000000123, get.TimestampMs);
                Assert.AreEqual(DateTimeOffset.FromUnixTimeMilliseconds(1700000000123), get.Timestamp);
                Assert.AreEqual("APP_TOKEN_1a2b3c4d5e6f", get.AccessToken);
                Assert.AreEqual(3, get.Headers.Count);
                Assert.AreEqual("APP_TOKEN_1a2b3c4d5e6f", get.Headers["apim-accesstoken"]);
                Assert.AreEqual("1700000000123", get.Headers["apim-timestamp"]);
                Assert.AreEqual("794dd5d53820b1de07d78ff0dfab551758e08d085c25090edd78dcafbc6a10d9", get.Headers["apim-signature"]);
                Assert.AreEqual("apim-accesstoken", ApimHeaders.AccessTokenHeader);
                Assert.AreEqual("apim-timestamp", ApimHeaders.TimestampHeader);
                Assert.AreEqual("apim-signature", ApimHeaders.SignatureHeader);

                string body = "{\"productKey\":\"pk123\",\"deviceKey\":\"dev001\",\"timezone\":\"+08:00\",\"deviceName\":{\"defaultValue\":\"d1\"}}";
                string url = "https://apigw.example.com/connect-service/v2.1/devices?action=create&orgId=o15589290474951";
                DateTimeOffset at = DateTimeOffset.FromUnixTimeMilliseconds(1700000000789);
                const string expected = "e7228fd096aac94d72b33f0774ead8f4a4dd6c77916eff566b81a7c6eb900801";
                Assert.AreEqual(expected, client.Sign("APP_TOKEN_1a2b3c4d5e6f", url, body, at).Signature);
                Assert.AreEqual(expected, client.Sign("APP_TOKEN_1a2b3c4d5e6f", url, Encoding.UTF8.GetBytes(body), at).Signature);
                // The path alone signs the same as the full URL.
                Assert.AreEqual(expected, client.Sign("APP_TOKEN_1a2b3c4d5e6f", url.Substring("https://apigw.example.com".Length), body, at).Signature);
                // An empty body is no body for the signature.
                Assert.AreEqual(get.Signature, client.Sign("APP_TOKEN_1a2b3c4d5e6f",
                    "/connect-service/v2.1/devices?productKey=pk123&action=get&orgId=o15589290474951&deviceKey=dev001",
                    new byte[0], DateTimeOffset.FromUnixTimeMilliseconds(1700000000123)).Signature);

                StringAssert.DoesNotContain("APP_TOKEN_1a2b3c4d5e6f", get.ToString());
            }
        }

        [Test]
        public void Sign_WithoutTimestamp_TakesFreshDistinctOnes()
        {
            using (EnosClient client = new EnosClient("https://apigw.example.com", Sandbox.EnosAppKey, "s"))
            {
                DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
                ApimHeaders a = client.Sign("t", "/p?x=1");
                ApimHeaders b = client.Sign("t", "/p?x=1", "{}", null);
                ApimHeaders c = client.Sign("t", "/p?x=1", "{}", null);
                DateTimeOffset after = DateTimeOffset.UtcNow.AddSeconds(1);
                foreach (ApimHeaders h in new[] { a, b, c })
                {
                    Assert.That(h.Timestamp >= before && h.Timestamp <= after, h.ToString());
                    StringAssert.IsMatch("^[0-9a-f]{64}$", h.Signature);
                }
                Assert.AreNotEqual(b.TimestampMs, c.TimestampMs, "fresh timestamps never repeat");
                Assert.AreNotEqual(b.Signature, c.Signature);
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
        public void Call_GetWithQuery()
        {
            using (EnosClient client = NewClient())
            {
                string token = client.GetToken().AccessToken;
                IopResponse r = client.Call("GET", Sandbox.EnosApi + "?action=get&orgId=o15589290474951&deviceKey=dev%20001", token);
                Assert.IsFalse(r.IsError(), r.Body);
                Assert.AreEqual(200, r.HttpStatus);
                Assert.AreEqual("0", r.Code);
                Assert.IsNotNullOrEmpty(r.RequestId);
                Assert.IsNull(r.RetryAfter);
                StringAssert.Contains("\"method\":\"GET\"", r.Body);
                StringAssert.Contains("\"appKey\":\"" + Sandbox.EnosAppKey + "\"", r.Body);
                StringAssert.Contains("\"deviceKey\":\"dev 001\"", r.Body);
                StringAssert.Contains("\"orgId\":\"o15589290474951\"", r.Body);
                StringAssert.Contains("\"action\":\"get\"", r.Body);
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
        public void WrongSecret_Is1003_OnGetToken_And401OnCall()
        {
            using (EnosClient good = NewClient())
            using (EnosClient bad = new EnosClient(sandbox.Url, Sandbox.EnosAppKey, "not-the-enos-secret"))
            {
                IopPlatformException e = Assert.Throws<IopPlatformException>(() => bad.GetToken());
                Assert.AreEqual("1003", e.ErrorCode);
                Assert.AreEqual(IopStatus.Platform, e.Status);
                Assert.AreEqual("IOP_ERR_PLATFORM", e.StatusName);
                Assert.AreEqual(200, e.HttpStatus);
                Assert.IsNull(e.RetryAfter);
                StringAssert.DoesNotContain("not-the-enos-secret", e.ToString());

                string token = good.GetToken().AccessToken;
                IopResponse r = bad.Call("GET", Sandbox.EnosApi + "?action=get", token);
                Assert.IsTrue(r.IsError());
                Assert.AreEqual(401, r.HttpStatus);
                Assert.AreEqual("1003", r.Code);
                Assert.IsNotNullOrEmpty(r.RequestId);
                StringAssert.DoesNotContain(token, r.ToString());
            }
        }

        [Test]
        public void UnknownApp_Is1002()
        {
            using (EnosClient client = new EnosClient(sandbox.Url, "00000000-0000-0000-0000-000000000000", "whatever"))
            {
                Assert.AreEqual("1002", Assert.Throws<IopPlatformException>(() => client.GetToken()).ErrorCode);
            }
        }

        [Test]
        public void RefreshOfAnUnknownToken_Is1204()
        {
            using (EnosClient client = NewClient())
            {
                IopPlatformException e = Assert.Throws<IopPlatformException>(() => client.RefreshToken("APP_TOKEN_never-issued"));
                Assert.AreEqual("1204", e.ErrorCode);
                Assert.AreEqual(IopStatus.Platform, e.Status);
                Assert.IsNotInstanceOf<IopTokenExpiredException>(e);
                StringAssert.DoesNotContain("APP_TOKEN_never-issued", e.ToString());
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
        public void ClosedPort_IsConnectException()
        {
            using (EnosClient client = new EnosClient("http://127.0.0.1:" + ClosedPort(), Sandbox.EnosAppKey, Sandbox.EnosAppSecret))
            {
                IopConnectException e = Assert.Throws<IopConnectException>(() => client.GetToken());
                Assert.AreEqual(IopStatus.Connect, e.Status);
                Assert.AreEqual(0, e.HttpStatus);
                Assert.IsNull(e.ErrorCode);
                Assert.Throws<IopConnectException>(() => client.Call("GET", Sandbox.EnosApi, "t"));
            }
        }

        [Test]
        public void ReadTimeout_IsTimeoutException()
        {
            using (FakeServer server = new FakeServer(s => Thread.Sleep(10000)))
            using (EnosClient client = new EnosClient("http://127.0.0.1:" + server.Port, Sandbox.EnosAppKey, Sandbox.EnosAppSecret,
                TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300)))
            {
                Assert.Throws<IopTimeoutException>(() => client.GetToken());
                client.SetReadTimeout(TimeSpan.FromMilliseconds(200));
                Assert.Throws<IopTimeoutException>(() => client.Call("POST", Sandbox.EnosApi, "{}", "t"));
            }
        }

        [Test]
        public void NullArguments_AreArgumentNull()
        {
            Assert.AreEqual("gatewayUrl", Assert.Throws<ArgumentNullException>(() => new EnosClient(null, "k", "s")).ParamName);
            Assert.AreEqual("appKey", Assert.Throws<ArgumentNullException>(() => new EnosClient("https://apigw.example.com", null, "s")).ParamName);
            Assert.AreEqual("appSecret", Assert.Throws<ArgumentNullException>(() => new EnosClient("https://apigw.example.com", "k", null)).ParamName);
            Assert.Throws<ArgumentNullException>(() => new EnosToken(null, DateTimeOffset.UtcNow));
            using (EnosClient client = new EnosClient("https://apigw.example.com", "k", "s"))
            {
                Assert.AreEqual("accessToken", Assert.Throws<ArgumentNullException>(() => client.RefreshToken(null)).ParamName);
                Assert.AreEqual("accessToken", Assert.Throws<ArgumentNullException>(() => client.Sign(null, "/p")).ParamName);
                Assert.AreEqual("pathAndQuery", Assert.Throws<ArgumentNullException>(() => client.Sign("t", null)).ParamName);
                Assert.AreEqual("method", Assert.Throws<ArgumentNullException>(() => client.Call(null, "/p", "t")).ParamName);
                Assert.AreEqual("pathAndQuery", Assert.Throws<ArgumentNullException>(() => client.Call("GET", null, "t")).ParamName);
                Assert.AreEqual("accessToken", Assert.Throws<ArgumentNullException>(() => client.Call("GET", "/p", (string)null)).ParamName);
                Assert.AreEqual("accessToken", Assert.Throws<ArgumentNullException>(() => client.Call("POST", "/p", "{}", null)).ParamName);
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
                Assert.Throws<IopInvalidArgumentException>(() => client.Sign("t", "/p", (byte[])null, DateTimeOffset.FromUnixTimeMilliseconds(0)));
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
