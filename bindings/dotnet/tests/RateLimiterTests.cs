using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary><see cref="RateLimiter"/>: budgets, max wait, bans learned from the platform, status.</summary>
    [TestFixture]
    public class RateLimiterTests : LazadaFixture
    {
        private IopClient Limited(RateLimiter limiter)
        {
            IopClient c = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret);
            c.SetRateLimiter(limiter);
            return c;
        }

        [Test]
        public void AFailFastBudget_ThrowsRateLimitedWithRetryAfter()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (RateLimiter limiter = new RateLimiter(store))
            using (IopClient c = Limited(limiter))
            {
                limiter.SetBudget(IopLimitScope.App, null, 0.5, 1);
                limiter.SetMaxWait(TimeSpan.Zero);
                Assert.IsFalse(c.Execute(new IopRequest("/seller/get"), token.AccessToken).IsError());
                IopRateLimitedException e = Assert.Throws<IopRateLimitedException>(
                    () => c.Execute(new IopRequest("/seller/get"), token.AccessToken));
                Assert.AreEqual(IopStatus.RateLimited, e.Status);
                Assert.AreEqual("RateLimited", e.ErrorCode);
                Assert.IsTrue(e.RetryAfter.HasValue, "retry-after is set");
                Assert.Greater(e.RetryAfter.Value, TimeSpan.Zero);
                Assert.LessOrEqual(e.RetryAfter.Value, TimeSpan.FromSeconds(2));
                Assert.IsInstanceOf<IopException>(e);

                // Detached: nothing limits the client any more.
                c.SetRateLimiter(null);
                Assert.IsFalse(c.Execute(new IopRequest("/seller/get"), token.AccessToken).IsError());
            }
        }

        [Test]
        public void AWaitingBudget_PacesCalls()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (RateLimiter limiter = new RateLimiter(store))
            using (IopClient c = Limited(limiter))
            {
                limiter.SetBudget(IopLimitScope.Api, "/seller/get", 10, 1);
                limiter.SetMaxWait(TimeSpan.FromSeconds(5));
                Stopwatch sw = Stopwatch.StartNew();
                for (int i = 0; i < 6; i++)
                {
                    Assert.IsFalse(c.Execute(new IopRequest("/seller/get"), token.AccessToken).IsError());
                }
                sw.Stop();
                // 1 call at once, then 5 more at 10/s: at least 0.5 s in all (a lower bound, never flaky).
                Assert.GreaterOrEqual(sw.Elapsed.TotalMilliseconds, 450, "the budget paced the calls");
                Console.WriteLine("6 calls under a 10/s budget took {0} ms", sw.ElapsedMilliseconds);

                RateLimitStatus status = limiter.Status(Sandbox.AppKey);
                RateLimitStatus.Budget b = status.Budgets.Single();
                Assert.AreEqual("api", b.Scope);
                Assert.AreEqual("/seller/get", b.Name);
                Assert.AreEqual(10.0, b.RatePerSecond);
                Assert.AreEqual(1, b.Burst);
                Assert.IsEmpty(status.Bans);
                StringAssert.Contains("\"budgets\"", limiter.StatusJson(Sandbox.AppKey));
            }
        }

        [Test]
        public void APlatformBan_IsLearnedAndHonoured()
        {
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (RateLimiter limiter = new RateLimiter(store))
            using (IopClient c = Limited(limiter))
            {
                limiter.SetMaxWait(TimeSpan.Zero);
                sandbox.ArmFault("/seller/get", "throttle;seconds=30;code=ApiCallLimit", 1);
                IopResponse throttled = c.Execute(new IopRequest("/seller/get"), token.AccessToken);
                Assert.AreEqual("ApiCallLimit", throttled.Code, "the answer that taught the ban is returned as usual");
                IopRateLimitedException e = Assert.Throws<IopRateLimitedException>(
                    () => c.Execute(new IopRequest("/seller/get"), token.AccessToken));
                Assert.AreEqual("ApiCallLimit", e.ErrorCode);
                Assert.Greater(e.RetryAfter.Value, TimeSpan.FromSeconds(20));
                RateLimitStatus.Ban ban = limiter.Status(Sandbox.AppKey).Bans.Single();
                Assert.AreEqual("ApiCallLimit", ban.Code);
                Assert.Greater(ban.Until, DateTimeOffset.UtcNow);
            }
        }

        [Test]
        public void AUsedUpDailyQuota_ThrowsQuotaExceededAndSendsNothing()
        {
            using (Sandbox own = new Sandbox())
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (RateLimiter limiter = new RateLimiter(store))
            using (IopClient c = new IopClient(own.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                string accessToken = c.CreateToken(own.NewCode()).AccessToken;
                c.SetRateLimiter(limiter);
                own.ControlPost("/limits", "{\"daily\":2}");
                Assert.IsFalse(c.Execute(new IopRequest("/seller/get"), accessToken).IsError());
                Assert.IsFalse(c.Execute(new IopRequest("/seller/get"), accessToken).IsError());
                IopResponse refused = c.Execute(new IopRequest("/seller/get"), accessToken);
                Assert.AreEqual("accesscontrol.limited-by-app-access-count", refused.SubCode, refused.Body);
                int logged = Requests(own);

                IopQuotaExceededException e = Assert.Throws<IopQuotaExceededException>(() => c.Execute(new IopRequest("/seller/get"), accessToken));
                StringAssert.Contains("+08:00", e.Message);
                Assert.IsTrue(e.RetryAfter.HasValue);
                Assert.Greater(e.RetryAfter.Value, TimeSpan.Zero);
                Assert.LessOrEqual(e.RetryAfter.Value, TimeSpan.FromDays(1));
                Assert.AreEqual(logged, Requests(own), "nothing was sent");
            }
        }

        private static int Requests(Sandbox s)
        {
            Dictionary<string, object> log = MiniJson.Object(s.Control("GET", "/requests"));
            return ((List<object>)log["requests"]).Count;
        }

        [Test]
        public void Arguments_AreChecked()
        {
            string dir = Path.Combine(Path.GetTempPath(), "iopkit-limits-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                using (FileTokenStore file = new FileTokenStore(dir))
                {
                    Assert.Throws<IopInvalidArgumentException>(() => new RateLimiter(file));
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
            Assert.Throws<ArgumentNullException>(() => new RateLimiter(null));
            using (MemoryTokenStore store = new MemoryTokenStore())
            using (RateLimiter limiter = new RateLimiter(store))
            {
                Assert.Throws<IopInvalidArgumentException>(() => limiter.SetBudget(IopLimitScope.App, "named", 1));
                Assert.Throws<IopInvalidArgumentException>(() => limiter.SetBudget(IopLimitScope.App, null, -1));
                Assert.Throws<IopInvalidArgumentException>(() => limiter.SetMaxWait(TimeSpan.FromSeconds(-1)));
                limiter.SetMaxWait(null);
                limiter.SetBudget(IopLimitScope.Seller, null, 5);
                limiter.RemoveBudget(IopLimitScope.Seller);
                Assert.IsEmpty(limiter.Status(Sandbox.AppKey).Budgets);
                limiter.Dispose();
                Assert.Throws<ObjectDisposedException>(() => limiter.SetMaxWait(null));
            }
        }

        [Test]
        public void TheNewStatuses_HaveTheirExceptions()
        {
            Assert.IsInstanceOf<IopRateLimitedException>(IopException.FromStatus(IopStatus.RateLimited, "x"));
            Assert.IsInstanceOf<IopQuotaExceededException>(IopException.FromStatus(IopStatus.QuotaExceeded, "x"));
            Assert.AreEqual("IOP_ERR_QUOTA_EXCEEDED", IopException.StatusNameOf((int)IopStatus.QuotaExceeded));
        }
    }
}
