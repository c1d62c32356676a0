using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>IopClient.ExecuteBatch against the sandbox, and the pool settings.</summary>
    [TestFixture]
    public class BatchTests : LazadaFixture
    {
        private static IopRequest Faulted(string spec)
        {
            IopRequest r = new IopRequest("/seller/get");
            r.AddHeaderParameter("X-Sandbox-Fault", spec);
            return r;
        }

        [Test]
        public void Batch_ReturnsEveryOutcomeInInputOrder_FailuresIncluded()
        {
            List<BatchCall> calls = new List<BatchCall>
            {
                new IopRequest("/seller/get"),
                new BatchCall(new IopRequest("/seller/get"), "bogus-token"),
                new IopRequest("/seller/get"),
                Faulted("http-502"),
                new IopRequest(""),
                new IopRequest("/seller/get"),
            };
            IReadOnlyList<BatchResult> results = client.ExecuteBatch(calls, token.AccessToken, 4);
            Assert.AreEqual(calls.Count, results.Count);
            foreach (int i in new[] { 0, 2, 5 })
            {
                Assert.IsTrue(results[i].HasResponse, "call " + i + ": " + results[i].Exception);
                Assert.IsFalse(results[i].Response.IsError(), results[i].Response.Body);
                StringAssert.Contains(token.SellerId, results[i].Response.Body);
                Assert.AreSame(results[i].Response, results[i].GetResponse());
            }
            // A platform error is a response, as from Execute.
            IopResponse platform = results[1].Response;
            Assert.IsTrue(platform.IsError());
            Assert.AreEqual("IllegalAccessToken", platform.Code);
            Assert.IsNotNull(platform.RequestId);
            // A transport failure is the exception Execute would have thrown, not thrown here.
            IopHttpException http = (IopHttpException)results[3].Exception;
            Assert.IsNull(results[3].Response);
            Assert.IsFalse(results[3].HasResponse);
            Assert.AreEqual(IopStatus.Http, http.Status);
            Assert.AreEqual(502, http.HttpStatus);
            Assert.Throws<IopHttpException>(() => results[3].GetResponse());
            // A request libiop refuses fails alone.
            StringAssert.Contains("api_name", ((IopInvalidArgumentException)results[4].Exception).Message);
        }

        [Test]
        public void Batch_PerRequestTokens_OverrideTheBatchToken()
        {
            Token other = client.CreateToken(sandbox.NewCode());
            IReadOnlyList<BatchResult> results = client.ExecuteBatch(new List<BatchCall>
            {
                new BatchCall(new IopRequest("/seller/get"), other.AccessToken),
                new IopRequest("/seller/get"),
                new BatchCall(new IopRequest("/seller/get"), "bogus-token", GopProtocolEnum.GOP),
                new BatchCall(new IopRequest("/seller/get"), null),
            }, token.AccessToken);
            StringAssert.Contains(other.SellerId, results[0].GetResponse().Body);
            StringAssert.Contains(token.SellerId, results[1].GetResponse().Body);
            Assert.AreEqual("IllegalAccessToken", results[2].GetResponse().Code);
            StringAssert.Contains(token.SellerId, results[3].GetResponse().Body);
            // Without a batch token, a call without its own is sent without one.
            results = client.ExecuteBatch(new[] { new BatchCall(new IopRequest("/seller/get")), new BatchCall(new IopRequest("/seller/get"), other.AccessToken) });
            Assert.AreEqual("MissingParameter", results[0].GetResponse().Code);
            Assert.IsFalse(results[1].GetResponse().IsError());
        }

        [Test]
        public void Batch_OfTwoHundredFortyCalls_AtConcurrencySixteen()
        {
            List<IopRequest> requests = new List<IopRequest>();
            for (int i = 0; i < 240; i++)
            {
                IopRequest r = new IopRequest("/seller/get");
                r.AddApiParameter("n", i.ToString());
                requests.Add(r);
            }
            IReadOnlyList<BatchResult> results = client.ExecuteBatch(requests, token.AccessToken, 16);
            Assert.AreEqual(240, results.Count);
            Assert.IsTrue(results.All(r => r.HasResponse && !r.Response.IsError()), "a call failed");
            Assert.AreEqual(240, results.Select(r => r.Response.RequestId).Distinct().Count());
            Assert.AreEqual(0, client.ExecuteBatch(new IopRequest[0]).Count);
        }

        [Test]
        public void Batch_InvalidArguments_Throw()
        {
            IopRequest[] one = { new IopRequest("/seller/get") };
            foreach (int c in new[] { 0, IopConstants.MaxBatchConcurrency + 1, -2 })
            {
                IopInvalidArgumentException e = Assert.Throws<IopInvalidArgumentException>(() => client.ExecuteBatch(one, token.AccessToken, c));
                Assert.AreEqual(IopStatus.InvalidArgument, e.Status);
                StringAssert.Contains("concurrency", e.Message);
            }
            Assert.AreEqual(1, client.ExecuteBatch(one, token.AccessToken, IopConstants.MaxBatchConcurrency).Count);
            Assert.AreEqual(1, client.ExecuteBatch(one, token.AccessToken, 1).Count);
            Assert.Throws<ArgumentNullException>(() => client.ExecuteBatch((IEnumerable<IopRequest>)null));
            Assert.Throws<ArgumentNullException>(() => client.ExecuteBatch(new IopRequest[] { null }));
            Assert.Throws<ArgumentNullException>(() => client.ExecuteBatch(new BatchCall[] { null }));
            // A file that cannot be read fails the whole batch before anything is sent.
            IopRequest file = new IopRequest("/seller/get");
            file.AddFileParameter("f", new FileItem("/nonexistent/iopkit-batch-file"));
            Assert.Catch<IOException>(() => client.ExecuteBatch(new[] { one[0], file }));
            using (IopClient disposed = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                disposed.Dispose();
                Assert.Throws<ObjectDisposedException>(() => disposed.ExecuteBatch(one));
            }
        }

        [Test]
        public void ChangedRequest_IsSentWithItsNewValues()
        {
            // The native request is kept between calls until the request changes.
            IopRequest r = new IopRequest("/seller/get");
            DateTimeOffset at = DateTimeOffset.FromUnixTimeMilliseconds(1700000000000);
            string plain = client.Sign(r, "tok", GopProtocolEnum.GOP, at).StringToSign;
            Assert.AreEqual(plain, client.Sign(r, "tok", GopProtocolEnum.GOP, at).StringToSign);
            r.AddApiParameter("sku", "A1");
            StringAssert.Contains("skuA1", client.Sign(r, "tok", GopProtocolEnum.GOP, at).StringToSign);
            r.AddApiParameter("sku", null);
            Assert.AreEqual(plain, client.Sign(r, "tok", GopProtocolEnum.GOP, at).StringToSign);
            r.SetApiName("/order/get");
            StringAssert.StartsWith("/order/get", client.Sign(r, "tok", GopProtocolEnum.GOP, at).StringToSign);
            r.SetApiName("/seller/get");
            Assert.IsFalse(client.Execute(r, token.AccessToken).IsError());
            r.AddHeaderParameter("X-Sandbox-Fault", "http-502");
            Assert.Throws<IopHttpException>(() => client.Execute(r, token.AccessToken));
            r.AddHeaderParameter("X-Sandbox-Fault", "latency;ms=1");
            r.SetHttpMethod("PATCH");
            Assert.Throws<IopInvalidArgumentException>(() => client.Execute(r, token.AccessToken));
            r.SetHttpMethod("GET");
            Assert.IsFalse(client.Execute(r, token.AccessToken).IsError());
        }

        [Test]
        public void PoolSettings_PassNumbersThrough()
        {
            using (IopClient c = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            using (EnosClient enos = new EnosClient(sandbox.Url, Sandbox.EnosAppKey, Sandbox.EnosAppSecret))
            {
                foreach (IopClientBase b in new IopClientBase[] { c, enos })
                {
                    foreach (int n in new[] { IopConstants.UseDefault, 0, 32, IopConstants.MaxIdleConnectionsLimit })
                    {
                        b.SetMaxIdleConnections(n);
                    }
                    Assert.Throws<IopInvalidArgumentException>(() => b.SetMaxIdleConnections(-2));
                    Assert.Throws<IopInvalidArgumentException>(() => b.SetMaxIdleConnections(IopConstants.MaxIdleConnectionsLimit + 1));
                    b.SetIdleTimeoutMs(IopConstants.UseDefault);
                    b.SetIdleTimeoutMs(1);
                    Assert.Throws<IopInvalidArgumentException>(() => b.SetIdleTimeoutMs(0));
                    Assert.Throws<IopInvalidArgumentException>(() => b.SetIdleTimeoutMs(-2));
                }
                // No idle connections: every call connects anew, and still works.
                c.SetMaxIdleConnections(0);
                Assert.IsTrue(c.ExecuteBatch(Enumerable.Range(0, 8).Select(_ => new IopRequest("/seller/get")), token.AccessToken, 4)
                    .All(r => !r.GetResponse().IsError()));
                Assert.AreEqual(32, IopConstants.DefaultMaxIdleConnections);
            }
        }

        [Test]
        public void TwoThousandBatches_DoNotGrowMemory()
        {
            IopRequest ok = new IopRequest("/seller/get");
            BatchCall[] calls = { ok, new BatchCall(ok, "bogus-token"), Faulted("http-503"), new IopRequest("") };
            Action once = () =>
            {
                IReadOnlyList<BatchResult> r = client.ExecuteBatch(calls, token.AccessToken, 4);
                if (r.Count != 4 || r[0].Response.IsError() || !r[1].Response.IsError() || !(r[2].Exception is IopHttpException)
                    || !(r[3].Exception is IopInvalidArgumentException))
                {
                    throw new Exception("unexpected outcomes");
                }
            };
            for (int i = 0; i < 300; i++)
            {
                once();
            }
            long before = StressTests.SettledRss();
            for (int i = 0; i < 2000; i++)
            {
                once();
            }
            long after = StressTests.SettledRss();
            Console.Error.WriteLine("batch memory: RSS before {0} KiB, after {1} KiB over 2000 batches", before / 1024, after / 1024);
            Assert.Less(after - before, 4L * 1024 * 1024, "RSS grew by " + (after - before) / 1024 + " KiB");
        }
    }
}
