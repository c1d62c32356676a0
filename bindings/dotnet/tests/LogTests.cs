using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>libiop's event stream through <see cref="IopLog"/>: the event, the TraceSource, levels, safety.</summary>
    [TestFixture]
    public class LogTests
    {
        private Sandbox sandbox;
        private IopClient client;

        [TestFixtureSetUp]
        public void Start()
        {
            sandbox = new Sandbox();
            client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret);
        }

        [TestFixtureTearDown]
        public void Stop()
        {
            IopLog.Level = IopLogLevel.Off;
            client.Dispose();
            sandbox.Dispose();
        }

        /// <summary>Records every event at or below <paramref name="level"/> while <paramref name="action"/> runs.</summary>
        private static List<IopLogRecord> Capture(IopLogLevel level, Action action)
        {
            List<IopLogRecord> records = new List<IopLogRecord>();
            Action<IopLogRecord> handler = r =>
            {
                lock (records)
                {
                    records.Add(r);
                }
            };
            IopLog.Event += handler;
            IopLog.Level = level;
            try
            {
                action();
            }
            finally
            {
                IopLog.Level = IopLogLevel.Off;
                IopLog.Event -= handler;
            }
            lock (records)
            {
                return records.ToList();
            }
        }

        [Test]
        public void CreateRefreshCallAndFailingCall_AreLoggedWithoutSecrets()
        {
            List<string> secrets = new List<string> { Sandbox.AppSecret };
            string signature = null;
            List<IopLogRecord> records = Capture(IopLogLevel.Trace, () =>
            {
                string code = sandbox.NewCode();
                secrets.Add(code);
                Token created = client.CreateToken(code);
                Token refreshed = client.RefreshToken(created.RefreshToken);
                secrets.AddRange(new[] { created.AccessToken, created.RefreshToken, refreshed.AccessToken, refreshed.RefreshToken });
                IopRequest call = new IopRequest("/seller/get");
                Assert.IsFalse(client.Execute(call, refreshed.AccessToken).IsError());
                signature = client.Sign(call, refreshed.AccessToken, GopProtocolEnum.AUTO, DateTimeOffset.UtcNow).Signature;
                Assert.IsTrue(client.Execute(new IopRequest("/seller/get"), "not-a-valid-token-123456").IsError());
                secrets.Add("not-a-valid-token-123456");

                // The token manager's events.
                using (MemoryTokenStore store = new MemoryTokenStore())
                using (TokenManager manager = new TokenManager(client, store, "seller-log", TimeSpan.FromDays(3650)))
                {
                    string managerCode = sandbox.NewCode();
                    secrets.Add(managerCode);
                    manager.CreateToken(managerCode);
                    secrets.Add(manager.AccessToken()); // the margin exceeds the lifetime: refreshes
                }
            });
            secrets.Add(signature);

            List<string> names = records.Select(r => r.Name).ToList();
            foreach (string expected in new[] { "call.start", "call.end", "token.create", "token.refresh" })
            {
                Assert.Contains(expected, names, "got: " + string.Join(", ", names.Distinct()));
            }

            IopLogRecord[] calls = records.Where(r => r.Name == "call.end").ToArray();
            IopLogRecord create = calls.First(r => (string)r.Fields["api"] == "/auth/token/create");
            Assert.AreEqual(IopLogLevel.Info, create.Level);
            Assert.AreEqual("ok", create.Fields["outcome"]);

            IopLogRecord[] sellerGets = calls.Where(r => (string)r.Fields["api"] == "/seller/get").ToArray();
            Assert.AreEqual(2, sellerGets.Length);
            IopLogRecord ok = sellerGets[0], failed = sellerGets[1];
            Assert.AreEqual("POST", ok.Fields["method"]);
            StringAssert.StartsWith("127.0.0.1", (string)ok.Fields["host"]);
            Assert.AreEqual("GOP", ok.Fields["protocol"]);
            Assert.AreEqual(1, Convert.ToInt32(ok.Fields["attempt"]));
            Assert.AreEqual(200, Convert.ToInt32(ok.Fields["http_status"]));
            Assert.IsTrue(ok.Fields.ContainsKey("duration_ms"));
            Assert.IsNotNull(ok.Fields["request_id"]);
            Assert.AreEqual(IopLogLevel.Warn, failed.Level);
            Assert.AreEqual("platform_error", failed.Fields["outcome"]);
            Assert.AreEqual("IllegalAccessToken", failed.Fields["code"]);

            IopLogRecord start = records.First(r => r.Name == "call.start");
            Assert.AreEqual(IopLogLevel.Debug, start.Level);
            IopLogRecord refresh = records.First(r => r.Name == "token.refresh");
            Assert.AreEqual("seller-log", refresh.Fields["account"]);
            Assert.AreEqual("iop", refresh.Fields["kind"]);

            int texts = 0;
            foreach (IopLogRecord r in records)
            {
                foreach (string text in new[] { r.Message, r.FieldsJson, r.ToString() })
                {
                    texts++;
                    foreach (string secret in secrets)
                    {
                        Assert.IsFalse(text.Contains(secret), "a secret in " + r.Name + ": " + text);
                    }
                    StringAssert.DoesNotContain("sign=", text);
                    StringAssert.DoesNotContain("access_token=", text);
                }
            }
            Console.WriteLine("log secret audit: {0} values searched, {1} texts searched, 0 found", secrets.Count, texts);
        }

        [Test]
        public void TraceSource_ReceivesEvents()
        {
            StringWriter text = new StringWriter();
            TextWriterTraceListener listener = new TextWriterTraceListener(text);
            SourceLevels old = IopLog.Source.Switch.Level;
            IopLog.Source.Listeners.Add(listener);
            IopLog.Source.Switch.Level = SourceLevels.Information;
            try
            {
                IopLog.FollowTraceSource();
                Assert.AreEqual(IopLogLevel.Info, IopLog.Level);
                client.Execute(new IopRequest("/seller/get"), "not-a-valid-token-123456");
                listener.Flush();
            }
            finally
            {
                IopLog.Source.Listeners.Remove(listener);
                IopLog.Source.Switch.Level = old;
                IopLog.Level = IopLogLevel.Off;
            }
            string output = text.ToString();
            StringAssert.Contains("Iopkit Warning", output);
            StringAssert.Contains("call.end", output);
            StringAssert.DoesNotContain("call.start", output, "Debug events are filtered out at Information");
            StringAssert.DoesNotContain("not-a-valid-token-123456", output);
        }

        [Test]
        public void Levels_FilterEvents()
        {
            List<IopLogRecord> info = Capture(IopLogLevel.Info, () => client.Execute(new IopRequest("/seller/get")));
            Assert.IsTrue(info.Any(r => r.Name == "call.end"));
            Assert.IsFalse(info.Any(r => r.Level > IopLogLevel.Info), "nothing above Info");
            List<IopLogRecord> off = Capture(IopLogLevel.Off, () => client.Execute(new IopRequest("/seller/get")));
            Assert.IsEmpty(off);
            Assert.AreEqual(IopLogLevel.Trace, IopLog.FromSourceLevels(SourceLevels.All));
            Assert.AreEqual(IopLogLevel.Debug, IopLog.FromSourceLevels(SourceLevels.Verbose));
            Assert.AreEqual(IopLogLevel.Warn, IopLog.FromSourceLevels(SourceLevels.Warning));
            Assert.AreEqual(IopLogLevel.Off, IopLog.FromSourceLevels(SourceLevels.Off));
        }

        [Test]
        public void AThrowingHandler_NeverReachesNativeCode()
        {
            long before = IopLog.HandlerFailures;
            Action<IopLogRecord> bad = r => { throw new InvalidOperationException("handler bug"); };
            IopLog.Event += bad;
            try
            {
                List<IopLogRecord> records = Capture(IopLogLevel.Info, () =>
                    Assert.IsFalse(client.Execute(new IopRequest("/seller/get"), client.CreateToken(sandbox.NewCode()).AccessToken).IsError()));
                Assert.IsTrue(records.Any(r => r.Name == "call.end"), "the other handlers still run");
            }
            finally
            {
                IopLog.Event -= bad;
            }
            Assert.Greater(IopLog.HandlerFailures, before);
        }

        [Test]
        public void RateLimitRefusals_AreLogged()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (RateLimiter limiter = new RateLimiter(store))
            using (IopClient limited = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                limiter.SetBudget(IopLimitScope.App, null, 0.5, 1);
                limiter.SetMaxWait(TimeSpan.Zero);
                limited.SetRateLimiter(limiter);
                List<IopLogRecord> records = Capture(IopLogLevel.Debug, () =>
                {
                    limited.Execute(new IopRequest("/seller/get"));
                    Assert.Throws<IopRateLimitedException>(() => limited.Execute(new IopRequest("/seller/get")));
                });
                IopLogRecord reject = records.Single(r => r.Name == "limit.reject");
                Assert.AreEqual(IopLogLevel.Warn, reject.Level);
                Assert.AreEqual("app", reject.Fields["scope"]);
                Assert.Greater(Convert.ToInt64(reject.Fields["retry_after_ms"]), 0);
            }
        }

        [Test]
        public void BatchWorkers_DeliverEvents()
        {
            List<IopLogRecord> records = Capture(IopLogLevel.Info, () =>
                client.ExecuteBatch(Enumerable.Range(0, 8).Select(_ => new IopRequest("/seller/get")), null, 4));
            Assert.AreEqual(8, records.Count(r => r.Name == "call.end"));
        }
    }
}
