using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>The <c>*Async</c> methods: thread-pool calls, prompt cancellation, orphaned calls freed.</summary>
    [TestFixture]
    public class AsyncTests : LazadaFixture
    {
        [Test]
        public void HundredConcurrentCalls_Complete()
        {
            List<Task<IopResponse>> tasks = new List<Task<IopResponse>>();
            for (int i = 0; i < 100; i++)
            {
                IopRequest r = new IopRequest("/seller/get");
                r.AddApiParameter("n", i.ToString());
                tasks.Add(client.ExecuteAsync(r, token.AccessToken));
            }
            Assert.IsTrue(Task.WaitAll(tasks.ToArray(), TimeSpan.FromSeconds(120)), "the calls did not end");
            foreach (Task<IopResponse> t in tasks)
            {
                Assert.AreEqual(TaskStatus.RanToCompletion, t.Status);
                Assert.IsFalse(t.Result.IsError(), t.Result.Body);
                Assert.AreEqual(200, t.Result.HttpStatus);
            }
        }

        [Test]
        public void Cancel_CompletesAtOnce_AndTheOrphanedCallIsFreedWhenItEnds()
        {
            Assert.AreEqual(0, NativeAsync.Orphans, "a call of another test is still running");
            long releasedBefore = NativeAsync.OrphanResultsReleased;
            sandbox.ArmFault("/seller/get", "latency;ms=1500", 1);
            using (CancellationTokenSource cts = new CancellationTokenSource())
            {
                Task<IopResponse> task = client.ExecuteAsync(new IopRequest("/seller/get"), token.AccessToken, cts.Token);
                Thread.Sleep(200); // the native call is under way (the sandbox holds its answer 1.5 s)
                Assert.IsFalse(task.IsCompleted);
                Stopwatch sw = Stopwatch.StartNew();
                cts.Cancel();
                sw.Stop();
                // Completed inside Cancel(): no waiting for the native call.
                Assert.IsTrue(task.IsCanceled, "status " + task.Status);
                Console.WriteLine("cancelled ExecuteAsync completed {0:F3} ms after Cancel() was called", sw.Elapsed.TotalMilliseconds);
                Assert.AreEqual(1, NativeAsync.Orphans, "the native call goes on");
                AggregateException e = Assert.Throws<AggregateException>(() => task.Wait());
                Assert.IsInstanceOf<TaskCanceledException>(e.InnerException);
            }
            WaitFor(() => NativeAsync.Orphans == 0, "the orphaned call to end");
            Assert.AreEqual(releasedBefore + 1, NativeAsync.OrphanResultsReleased, "its response was freed");
            // The client is still fine.
            Assert.IsFalse(client.Execute(new IopRequest("/seller/get"), token.AccessToken).IsError());
        }

        [Test]
        public void AlreadyCancelled_NeverCalls()
        {
            long releasedBefore = NativeAsync.OrphanResultsReleased;
            using (CancellationTokenSource cts = new CancellationTokenSource())
            {
                cts.Cancel();
                Task<Token> t = client.CreateTokenAsync(sandbox.NewCode(), cts.Token);
                Assert.IsTrue(t.IsCanceled);
            }
            Assert.AreEqual(0, NativeAsync.Orphans);
            Assert.AreEqual(releasedBefore, NativeAsync.OrphanResultsReleased);
        }

        [Test]
        public void TokenCalls_RoundTrip()
        {
            Token created = client.CreateTokenAsync(sandbox.NewCode()).Result;
            Token refreshed = client.RefreshTokenAsync(created.RefreshToken).Result;
            Assert.AreNotEqual(created.RefreshToken, refreshed.RefreshToken, "the refresh token rotates");
            IopResponse r = client.ExecuteAsync(new IopRequest("/seller/get"), refreshed.AccessToken, GopProtocolEnum.GOP).Result;
            Assert.IsFalse(r.IsError(), r.Body);
        }

        [Test]
        public void Failures_AreTheTasksExceptions()
        {
            AggregateException e = Assert.Throws<AggregateException>(() => client.RefreshTokenAsync("no-such-token").Wait());
            IopPlatformException p = e.InnerException as IopPlatformException;
            Assert.IsNotNull(p, e.InnerException.ToString());
            Assert.AreEqual("IllegalRefreshToken", p.ErrorCode);

            e = Assert.Throws<AggregateException>(() => client.ExecuteAsync(new IopRequest("bad name")).Wait());
            Assert.IsInstanceOf<IopInvalidArgumentException>(e.InnerException);
            Assert.Throws<ArgumentNullException>(() => client.ExecuteAsync(null));
        }

        [Test]
        public void TheRequestIsTakenWhenTheCallStarts()
        {
            sandbox.ArmFault("/seller/get", "latency;ms=300", 1);
            IopRequest r = new IopRequest("/seller/get");
            Task<IopResponse> t = client.ExecuteAsync(r, token.AccessToken);
            r.SetApiName("/no/such/api"); // changing the request now does not change the call under way
            Assert.IsFalse(t.Result.IsError(), t.Result.Body);
        }

        [Test]
        public void TokenManager_GetAccessTokenAsync()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (TokenManager manager = new TokenManager(client, store, "seller-async"))
            {
                manager.CreateTokenAsync(sandbox.NewCode()).Wait();
                string[] got = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => manager.GetAccessTokenAsync())).Result;
                Assert.AreEqual(1, got.Distinct().Count(), "one valid token for every caller");
                Assert.IsFalse(client.Execute(new IopRequest("/seller/get"), got[0]).IsError());
            }
        }

        [Test]
        public void Enos_Async()
        {
            using (EnosClient enos = new EnosClient(sandbox.Url, Sandbox.EnosAppKey, Sandbox.EnosAppSecret))
            {
                EnosToken t = enos.GetTokenAsync().Result;
                IopResponse r = enos.CallAsync("GET", Sandbox.EnosApi, t.AccessToken).Result;
                Assert.IsFalse(r.IsError(), r.Body);
                EnosToken refreshed = enos.RefreshTokenAsync(t.AccessToken).Result;
                Assert.IsNotEmpty(refreshed.AccessToken);
            }
        }

        [Test]
        public void BatchAsync_Completes()
        {
            IReadOnlyList<BatchResult> results = client.ExecuteBatchAsync(
                Enumerable.Range(0, 10).Select(_ => new IopRequest("/seller/get")), token.AccessToken).Result;
            Assert.AreEqual(10, results.Count);
            Assert.IsTrue(results.All(r => r.HasResponse && !r.Response.IsError()));
        }

        internal static void WaitFor(Func<bool> condition, string what)
        {
            DateTime deadline = DateTime.UtcNow.AddSeconds(30);
            while (!condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    Assert.Fail("timed out waiting for " + what);
                }
                Thread.Sleep(20);
            }
        }
    }
}
