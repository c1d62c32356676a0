using System;
using System.Collections.Generic;
using System.Threading;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>One client shared by many threads, and a long loop that must not grow memory.</summary>
    [TestFixture]
    public class StressTests : LazadaFixture
    {
        [Test]
        public void SixteenThreads_ShareOneClient()
        {
            const int threads = 16, calls = 100;
            int ok = 0;
            List<Exception> errors = new List<Exception>();
            IopRequest shared = new IopRequest("/seller/get"); // read concurrently, never mutated
            List<Thread> list = new List<Thread>();
            using (Barrier start = new Barrier(threads))
            {
                for (int t = 0; t < threads; t++)
                {
                    int id = t;
                    Thread th = new Thread(() =>
                    {
                        try
                        {
                            start.SignalAndWait();
                            for (int i = 0; i < calls; i++)
                            {
                                IopRequest request = i % 2 == 0 ? shared : new IopRequest("/seller/get");
                                if (i % 2 == 1)
                                {
                                    request.AddApiParameter("thread", id.ToString());
                                }
                                IopResponse r = client.Execute(request, token.AccessToken);
                                if (r.IsError())
                                {
                                    throw new Exception("thread " + id + " call " + i + ": " + r.Body);
                                }
                                if (i % 25 == 0)
                                {
                                    client.SetReadWriteTimeout(10000 + id); // setters are thread-safe too
                                }
                                // The per-thread last error: a failure on this thread is read here, correctly.
                                if (i % 10 == 0)
                                {
                                    IopInvalidArgumentException e = null;
                                    try { client.Execute(new IopRequest("bad name " + id)); }
                                    catch (IopInvalidArgumentException x) { e = x; }
                                    if (e == null || !e.Message.Contains("api_name"))
                                    {
                                        throw new Exception("last error mixed up: " + e);
                                    }
                                }
                                Interlocked.Increment(ref ok);
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
                    list.Add(th);
                    th.Start();
                }
                foreach (Thread th in list)
                {
                    Assert.IsTrue(th.Join(TimeSpan.FromSeconds(90)), "a thread hung");
                }
            }
            Assert.IsEmpty(errors, errors.Count > 0 ? errors[0].ToString() : "");
            Assert.AreEqual(threads * calls, ok);
        }

        [Test]
        public void DisposeWhileOtherThreadsCall_IsSafe()
        {
            // Its own sandbox with no idle connections from other clients: at most 4 connections
            // at once, which the sandbox's 4 idle connection threads always take (see README).
            using (Sandbox own = new Sandbox())
            {
                string accessToken;
                using (IopClient tokenClient = new IopClient(own.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
                {
                    accessToken = tokenClient.CreateToken(own.NewCode()).AccessToken;
                }
                DisposeWhileCalling(own, accessToken);
            }
        }

        private static void DisposeWhileCalling(Sandbox own, string accessToken)
        {
            IopClient c = new IopClient(own.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret);
            int disposedSeen = 0, otherErrors = 0;
            List<Thread> threads = new List<Thread>();
            for (int t = 0; t < 4; t++)
            {
                Thread th = new Thread(() =>
                {
                    for (int i = 0; i < 50; i++)
                    {
                        try
                        {
                            c.Execute(new IopRequest("/seller/get"), accessToken);
                        }
                        catch (ObjectDisposedException)
                        {
                            Interlocked.Increment(ref disposedSeen);
                            return;
                        }
                        catch (Exception)
                        {
                            Interlocked.Increment(ref otherErrors);
                            return;
                        }
                    }
                });
                threads.Add(th);
                th.Start();
            }
            Thread.Sleep(20);
            c.Dispose();
            foreach (Thread th in threads)
            {
                Assert.IsTrue(th.Join(TimeSpan.FromSeconds(30)), "a thread hung");
            }
            Assert.AreEqual(0, otherErrors);
            Assert.Throws<ObjectDisposedException>(() => c.Execute(new IopRequest("/seller/get")));
        }

        [Test]
        public void LongLoop_DoesNotGrowMemory()
        {
            const int iterations = 50000;
            string body = "{\"code\":\"0\",\"access_token\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"refresh_token\":\"rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr\","
                + "\"expires_in\":604800,\"refresh_expires_in\":2592000,\"account\":\"seller@example.com\",\"country\":\"sg\","
                + "\"country_user_info\":[{\"country\":\"sg\",\"user_id\":\"1\",\"seller_id\":\"2\",\"short_code\":\"SG1\"}]}";
            IopRequest sig = new IopRequest("/order/get");
            sig.AddApiParameter("order_id", "1234");
            Action<int> once = i =>
            {
                // Success, platform error, native-argument error, a parsed token (owned JSON
                // string), a signature (two owned strings): every allocation path of the binding.
                IopResponse r = client.Execute(new IopRequest("/seller/get"), i % 2 == 0 ? token.AccessToken : "bogus");
                if (r.IsError() != (i % 2 == 1))
                {
                    throw new Exception(r.Body);
                }
                Token t = Token.Parse(body, DateTimeOffset.UtcNow);
                if (t.ToJson().Length == 0 || t.CountryUserInfo.Count != 1)
                {
                    throw new Exception("token");
                }
                IopSignature s = client.Sign(sig, "tok", GopProtocolEnum.GOP, DateTimeOffset.UtcNow);
                if (s.Signature.Length != 64)
                {
                    throw new Exception("sign");
                }
                try
                {
                    client.Execute(new IopRequest(""));
                    throw new Exception("no exception");
                }
                catch (IopInvalidArgumentException)
                {
                }
            };
            for (int i = 0; i < 2000; i++)
            {
                once(i);
            }
            long before = SettledRss();
            for (int i = 0; i < iterations; i++)
            {
                once(i);
            }
            long after = SettledRss();
            long growth = after - before;
            Console.Error.WriteLine("memory: RSS before {0} KiB, after {1} KiB, growth {2} KiB over {3} iterations",
                before / 1024, after / 1024, growth / 1024, iterations);
            Assert.Less(growth, 4L * 1024 * 1024, "RSS grew by " + growth / 1024 + " KiB");
        }

        internal static long SettledRss()
        {
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            return Memory.RssBytes();
        }
    }
}
