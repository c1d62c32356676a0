using System;
using System.Collections.Generic;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>Marshalling of bad and null arguments, disposal, the generated status → exception
    /// table and the generated constants.</summary>
    [TestFixture]
    public class ArgumentTests
    {
        private const string Url = "https://api.lazada.sg/rest";

        [Test]
        public void NullConstructorArguments_AreInvalidArgument_NamingTheArgument()
        {
            StringAssert.Contains("server_url", Assert.Throws<IopInvalidArgumentException>(() => new IopClient(null, "k", "s")).Message);
            StringAssert.Contains("app_key", Assert.Throws<IopInvalidArgumentException>(() => new IopClient(Url, null, "s")).Message);
            StringAssert.Contains("app_secret", Assert.Throws<IopInvalidArgumentException>(() => new EnosClient(Url, "k", null)).Message);
        }

        [Test]
        public void EmptyKey_IsInvalidArgument_AndSecretNeverInMessages()
        {
            IopInvalidArgumentException e = Assert.Throws<IopInvalidArgumentException>(() => new IopClient(Url, "", "TopSecret-xyz"));
            Assert.AreEqual("IOP_ERR_INVALID_ARGUMENT", e.StatusName);
            StringAssert.DoesNotContain("TopSecret-xyz", e.ToString());
        }

        [Test]
        public void NullRequestArguments_AreArgumentNull()
        {
            IopRequest r = new IopRequest();
            Assert.Throws<ArgumentNullException>(() => r.SetApiName(null));
            Assert.Throws<ArgumentNullException>(() => new IopRequest(null));
            Assert.Throws<ArgumentNullException>(() => r.AddApiParameter(null, "v"));
            Assert.Throws<ArgumentNullException>(() => r.AddFileParameter("f", null));
            Assert.Throws<ArgumentNullException>(() => r.AddHeaderParameter("h", null));
            Assert.Throws<ArgumentNullException>(() => r.SetHttpMethod(null));
            Assert.Throws<ArgumentNullException>(() => new FileItem("a", null));
            using (IopClient client = new IopClient(Url, "k", "s"))
            {
                Assert.Throws<ArgumentNullException>(() => client.Execute(null));
                Assert.Throws<IopInvalidArgumentException>(() => client.CreateToken(null));
                Assert.Throws<IopInvalidArgumentException>(() => client.RefreshToken(null));
            }
        }

        [Test]
        public void RequestValuesRejectedNatively_AreInvalidArgument_BeforeAnyNetwork()
        {
            // The URL points at a closed port: an invalid argument must be reported before connecting.
            using (IopClient client = new IopClient("http://127.0.0.1:9/rest", "k", "s"))
            {
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(new IopRequest()), "no API name");
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(new IopRequest("")), "empty API name");
                IopRequest sign = new IopRequest("/a");
                sign.AddApiParameter("sign", "x");
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(sign));
                IopRequest nul = new IopRequest("/a");
                nul.AddApiParameter("k", "a\0b");
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(nul), "a NUL inside a value");
                IopRequest put = new IopRequest("/a");
                put.SetHttpMethod("PUT");
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(put));
                IopRequest getWithFile = new IopRequest("/a");
                getWithFile.SetHttpMethod("get");
                getWithFile.AddFileParameter("f", new FileItem("f.bin", new byte[] { 1 }));
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(getWithFile));
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(new IopRequest("/a"), (GopProtocolEnum)7));
                Assert.Throws<IopInvalidArgumentException>(() => client.CreateToken(""));
            }
        }

        [Test]
        public void Settings_PassNumbersThrough_AndNullRestoresDefaults()
        {
            using (IopClient client = new IopClient(Url, "k", "s"))
            using (EnosClient enos = new EnosClient(Url, "k", "s"))
            {
                foreach (IopClientBase c in new IopClientBase[] { client, enos })
                {
                    Assert.Throws<IopInvalidArgumentException>(() => c.SetConnectTimeoutMs(0));
                    Assert.Throws<IopInvalidArgumentException>(() => c.SetReadTimeout(TimeSpan.Zero));
                    Assert.Throws<IopInvalidArgumentException>(() => c.SetMaxResponseBytes(-2));
                    Assert.Throws<IopInvalidArgumentException>(() => c.SetMaxConnectRetries(IopConstants.MaxConnectRetriesLimit + 1));
                    Assert.Throws<IopInvalidArgumentException>(() => c.SetCaBundle("/nonexistent/ca.pem"));
                    Assert.Throws<IopInvalidArgumentException>(() => c.SetPartnerId(""));
                    c.SetConnectTimeoutMs(IopConstants.UseDefault);
                    c.SetReadTimeout(TimeSpan.FromMilliseconds(0.5));
                    c.SetMaxConnectRetries(0);
                    c.SetPartnerId(null);
                    c.SetCaBundle(null);
                }
                client.SetTimeout(1);
                client.SetReadWriteTimeout(int.MaxValue);
            }
        }

        [Test]
        public void Dispose_TwiceIsSafe_AndDisposedClientThrows()
        {
            IopClient client = new IopClient(Url, "k", "s");
            client.Dispose();
            client.Dispose();
            Assert.Throws<ObjectDisposedException>(() => client.Execute(new IopRequest("/seller/get")));
            Assert.Throws<ObjectDisposedException>(() => client.CreateToken("c"));
            Assert.Throws<ObjectDisposedException>(() => client.SetTimeout(100));
            Assert.Throws<ObjectDisposedException>(() => client.Sign(new IopRequest("/a"), null, GopProtocolEnum.AUTO, DateTimeOffset.UtcNow));
            EnosClient enos = new EnosClient(Url, "k", "s");
            enos.Dispose();
            enos.Dispose();
            Assert.Throws<ObjectDisposedException>(() => enos.GetToken());
            Assert.Throws<ObjectDisposedException>(() => enos.SetConnectTimeoutMs(5));
            using (IIopClient viaInterface = new IopClient(Url, "k", "s"))
            {
                Assert.IsNotNull(viaInterface);
            }
        }

        [Test]
        public void EveryStatus_MapsToItsOwnExceptionType_WithEveryField()
        {
            HashSet<Type> seen = new HashSet<Type>();
            foreach (IopStatus status in Enum.GetValues(typeof(IopStatus)))
            {
                if (status == IopStatus.Ok)
                {
                    continue;
                }
                string name = IopException.StatusNameOf((int)status);
                IopException e = IopException.FromStatus(status, "m");
                Assert.AreEqual("Iop" + status + "Exception", e.GetType().Name, name);
                Assert.IsTrue(seen.Add(e.GetType()), name + " shares its type");
                Assert.AreEqual(status, e.Status);
                Assert.AreEqual(name, e.StatusName);
                string pascal = name.Replace("IOP_ERR_", "").Replace("_", "");
                Assert.AreEqual(pascal, status.ToString().ToUpperInvariant());
            }
            Assert.IsInstanceOf<IopPlatformException>(IopException.FromStatus(IopStatus.TokenExpired, "m"));
            Assert.AreEqual("IOP_UNKNOWN_STATUS", IopException.StatusNameOf(seen.Count + 1), "a new native status needs a new exception type");
            Assert.AreEqual(typeof(IopException), IopException.FromStatus((IopStatus)42, "m").GetType());
            Assert.AreEqual(IopStatus.Timeout, new IopTimeoutException("t").Status);
        }

        [Test]
        public void Version_AndConstants_ComeFromTheHeader()
        {
            StringAssert.StartsWith(IopConstants.VersionMajor + "." + IopConstants.VersionMinor + ".", IopClient.NativeVersion);
            Assert.AreEqual(IopConstants.UrlTaobaoTw, UrlConstants.API_GATEWAY_URL_TW);
            Assert.AreEqual(-1, IopConstants.UseDefault);
            // Every client URL constant is accepted by libiop.
            foreach (System.Reflection.FieldInfo f in typeof(UrlConstants).GetFields())
            {
                if (f.Name.StartsWith("API_", StringComparison.Ordinal))
                {
                    using (new IopClient((string)f.GetValue(null), "k", "s")) { }
                }
            }
        }

        [Test]
        public void PlatformError_CarriesEveryPlatformField_SubMessageIncluded()
        {
            string body = "{\"type\":\"ISV\",\"code\":\"InvalidCode\",\"message\":\"Invalid code 码\",\"sub_code\":\"isv.bad\","
                + "\"sub_msg\":\"détail 🙂\",\"request_id\":\"0ba2887315178178017221014\"}";
            IopPlatformException e = Assert.Throws<IopPlatformException>(() => Token.Parse(body, DateTimeOffset.UtcNow));
            Assert.AreEqual("InvalidCode", e.ErrorCode);
            Assert.AreEqual("ISV", e.ErrorType);
            Assert.AreEqual("isv.bad", e.SubCode);
            Assert.AreEqual("détail 🙂", e.SubMessage);
            Assert.AreEqual("0ba2887315178178017221014", e.RequestId);
            Assert.IsNull(e.RetryAfter);
            Assert.IsNull(e.InnerException);
        }

        [Test]
        public void Token_UnicodeRoundTrips_AndToStringRedacts()
        {
            string body = "{\"access_token\":\"AT-令牌-🙂\",\"refresh_token\":\"RT-secret\",\"expires_in\":3600,"
                + "\"refresh_expires_in\":7200,\"account\":\"店主@例子.com\",\"country\":\"sg\"}";
            Token t = Token.Parse(body, DateTimeOffset.FromUnixTimeMilliseconds(1700000000000));
            Assert.AreEqual("AT-令牌-🙂", t.AccessToken);
            Assert.AreEqual("店主@例子.com", t.Account);
            Assert.AreEqual(body, t.Raw);
            Assert.AreEqual(1700003600000, t.ExpiresAt.ToUnixTimeMilliseconds());
            Token back = Token.FromJson(t.ToJson());
            Assert.AreEqual(t.AccessToken, back.AccessToken);
            Assert.AreEqual(t.RefreshExpiresAt, back.RefreshExpiresAt);
            StringAssert.DoesNotContain("AT-", t.ToString());
            StringAssert.DoesNotContain("RT-secret", t.ToString());
            Assert.Throws<IopInvalidArgumentException>(() => Token.Parse(null, DateTimeOffset.UtcNow));
        }
    }
}
