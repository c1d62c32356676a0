using System;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>Throttling (<c>RetryAfter</c> on responses and exceptions) and the connect-retry setting.</summary>
    [TestFixture]
    public class RetryAfterTests
    {
        private Sandbox sandbox;

        [TestFixtureSetUp]
        public void StartSandbox()
        {
            // Faults are armed per sandbox: this fixture has its own.
            sandbox = new Sandbox();
        }

        [TestFixtureTearDown]
        public void StopSandbox()
        {
            sandbox.Dispose();
        }

        [Test]
        public void ThrottledExecute_ResponseHasRetryAfter()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                IopRequest request = new IopRequest("/seller/get");
                request.SetHttpMethod("GET");
                request.AddHeaderParameter("X-Sandbox-Fault", "throttle;seconds=3;code=ApiCallLimit");
                IopResponse r = client.Execute(request, "token");
                Assert.IsTrue(r.IsError());
                Assert.AreEqual("ApiCallLimit", r.Code);
                Assert.AreEqual(TimeSpan.FromSeconds(3), r.RetryAfter);

                IopResponse ordinary = client.Execute(new IopRequest("/seller/get"), "not-a-token");
                Assert.IsTrue(ordinary.IsError());
                Assert.AreNotEqual("ApiCallLimit", ordinary.Code);
                Assert.IsNull(ordinary.RetryAfter);
            }
        }

        [Test]
        public void ThrottledTokenHelper_ExceptionHasRetryAfter()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                sandbox.ArmFault("/auth/token/create", "throttle;seconds=20;code=AppCallLimit", 1);
                IopPlatformException e = Assert.Throws<IopPlatformException>(() => client.CreateToken("x"));
                Assert.AreEqual("AppCallLimit", e.ErrorCode);
                Assert.AreEqual(TimeSpan.FromSeconds(20), e.RetryAfter);

                // The fault was armed once: an ordinary error now, without RetryAfter.
                IopPlatformException ordinary = Assert.Throws<IopPlatformException>(() => client.CreateToken("0_100001_not-a-code"));
                Assert.AreEqual("InvalidCode", ordinary.ErrorCode);
                Assert.IsNull(ordinary.RetryAfter);
            }
        }

        [Test]
        public void RetryAfter_IsNullOnNonPlatformErrors()
        {
            using (IopClient client = new IopClient("https://api.lazada.sg/rest", "k", "s"))
            {
                Assert.IsNull(Assert.Throws<IopInvalidArgumentException>(() => client.CreateToken("")).RetryAfter);
            }
        }
    }
}
