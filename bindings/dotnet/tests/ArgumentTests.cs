using System;
using System.Collections.Generic;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>Bad arguments, disposal, the status → exception mapping and the version check.</summary>
    [TestFixture]
    public class ArgumentTests
    {
        private const string Url = "https://api.lazada.sg/rest";

        [Test]
        public void NullConstructorArguments_AreArgumentNull()
        {
            Assert.AreEqual("serverUrl", Assert.Throws<ArgumentNullException>(() => new IopClient(null, "k", "s")).ParamName);
            Assert.AreEqual("appKey", Assert.Throws<ArgumentNullException>(() => new IopClient(Url, null, "s")).ParamName);
            Assert.AreEqual("appSecret", Assert.Throws<ArgumentNullException>(() => new IopClient(Url, "k", null)).ParamName);
        }

        [Test]
        public void BadUrls_AreInvalidArgument()
        {
            foreach (string url in new[] { "", "not a url", "ftp://api.lazada.sg/rest" })
            {
                IopInvalidArgumentException e = Assert.Throws<IopInvalidArgumentException>(() => new IopClient(url, "k", "s"), url);
                Assert.AreEqual(IopStatus.InvalidArgument, e.Status);
                Assert.AreEqual("IOP_ERR_INVALID_ARGUMENT", e.StatusName);
                StringAssert.Contains("server_url", e.Message);
            }
        }

        [Test]
        public void EmptyKey_IsInvalidArgument_AndSecretNeverInMessages()
        {
            IopInvalidArgumentException e = Assert.Throws<IopInvalidArgumentException>(() => new IopClient(Url, "", "TopSecret-xyz"));
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
            Assert.Throws<ArgumentNullException>(() => r.AddFileParameter(null, new FileItem("a", new byte[0])));
            Assert.Throws<ArgumentNullException>(() => r.AddHeaderParameter("h", null));
            Assert.Throws<ArgumentNullException>(() => r.SetHttpMethod(null));
            Assert.Throws<ArgumentNullException>(() => new FileItem(null, new byte[0]));
            Assert.Throws<ArgumentNullException>(() => new FileItem("a", null));
            Assert.Throws<ArgumentNullException>(() => new FileItem((string)null));
        }

        [Test]
        public void BadHttpMethod_IsInvalidArgument()
        {
            Assert.Throws<IopInvalidArgumentException>(() => new IopRequest("/a").SetHttpMethod("PUT"));
        }

        [Test]
        public void NullExecuteAndTokenArguments_AreArgumentNull()
        {
            using (IopClient client = new IopClient(Url, "k", "s"))
            {
                Assert.Throws<ArgumentNullException>(() => client.Execute(null));
                Assert.Throws<ArgumentNullException>(() => client.Execute(null, "t"));
                Assert.Throws<ArgumentNullException>(() => client.Execute(null, GopProtocolEnum.GOP));
                Assert.Throws<ArgumentNullException>(() => client.CreateToken(null));
                Assert.Throws<ArgumentNullException>(() => client.RefreshToken(null));
                Assert.Throws<ArgumentNullException>(() => client.SetPartnerId(null));
                Assert.Throws<ArgumentNullException>(() => client.SetCaBundle(null));
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
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(new IopRequest("/a b")), "space in API name");
                IopRequest sign = new IopRequest("/a");
                sign.AddApiParameter("sign", "x");
                StringAssert.Contains("key", Assert.Throws<IopInvalidArgumentException>(() => client.Execute(sign)).Message);
                IopRequest emptyKey = new IopRequest("/a");
                emptyKey.AddApiParameter("", "x");
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(emptyKey));
                IopRequest header = new IopRequest("/a");
                header.AddHeaderParameter("Bad Header", "x");
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(header));
                IopRequest getWithFile = new IopRequest("/a");
                getWithFile.SetHttpMethod("GET");
                getWithFile.AddFileParameter("f", new FileItem("f.bin", new byte[] { 1 }));
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(getWithFile));
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(new IopRequest("/a"), (GopProtocolEnum)7));
                Assert.Throws<IopInvalidArgumentException>(() => client.CreateToken(""));
            }
        }

        [Test]
        public void BadSettings_AreInvalidArgument()
        {
            using (IopClient client = new IopClient(Url, "k", "s"))
            {
                Assert.Throws<IopInvalidArgumentException>(() => client.SetTimeout(0));
                Assert.Throws<IopInvalidArgumentException>(() => client.SetTimeout(-5));
                Assert.Throws<IopInvalidArgumentException>(() => client.SetReadWriteTimeout(0));
                Assert.Throws<IopInvalidArgumentException>(() => client.SetMaxResponseBytes(0));
                Assert.Throws<IopInvalidArgumentException>(() => client.SetCaBundle("/nonexistent/ca.pem"));
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
            Assert.Throws<ObjectDisposedException>(() => client.Execute(new IopRequest("/seller/get"), "t", GopProtocolEnum.GOP));
            Assert.Throws<ObjectDisposedException>(() => client.CreateToken("c"));
            Assert.Throws<ObjectDisposedException>(() => client.RefreshToken("r"));
            Assert.Throws<ObjectDisposedException>(() => client.SetTimeout(100));
            Assert.Throws<ObjectDisposedException>(() => client.SetReadWriteTimeout(100));
            Assert.Throws<ObjectDisposedException>(() => client.Sign(new IopRequest("/a"), null, null, DateTimeOffset.UtcNow));
        }

        [Test]
        public void UsingBlock_ThroughTheInterface()
        {
            using (IIopClient client = new IopClient(Url, "k", "s"))
            {
                Assert.IsNotNull(client);
            }
        }

        [Test]
        public void EveryStatus_MapsToItsOwnExceptionType()
        {
            Dictionary<IopStatus, Type> expected = new Dictionary<IopStatus, Type>
            {
                { IopStatus.InvalidArgument, typeof(IopInvalidArgumentException) },
                { IopStatus.Connect, typeof(IopConnectException) },
                { IopStatus.Network, typeof(IopNetworkException) },
                { IopStatus.Timeout, typeof(IopTimeoutException) },
                { IopStatus.Tls, typeof(IopTlsException) },
                { IopStatus.Http, typeof(IopHttpException) },
                { IopStatus.MalformedResponse, typeof(IopMalformedResponseException) },
                { IopStatus.Platform, typeof(IopPlatformException) },
                { IopStatus.Internal, typeof(IopInternalException) },
                { IopStatus.TokenExpired, typeof(IopTokenExpiredException) },
                { IopStatus.ReauthorizationRequired, typeof(IopReauthorizationRequiredException) },
            };
            HashSet<Type> seen = new HashSet<Type>();
            for (int status = 1; status <= 11; status++)
            {
                string name = Native.StatusName(status);
                Assert.AreNotEqual("IOP_UNKNOWN_STATUS", name, "status " + status + " is known to libiop");
                IopException e = IopException.Create(status, name, "m", "c", "t", "s", "r", 418, TimeSpan.FromSeconds(7));
                Assert.AreNotEqual(typeof(IopException), e.GetType(), "status " + status + " (" + name + ") is unmapped");
                Assert.IsTrue(seen.Add(e.GetType()), "status " + status + " shares its type");
                Assert.AreEqual(expected[(IopStatus)status], e.GetType(), name);
                Assert.AreEqual(status, (int)e.Status);
                Assert.AreEqual(name, e.StatusName);
                Assert.AreEqual("c", e.ErrorCode);
                Assert.AreEqual("t", e.ErrorType);
                Assert.AreEqual("s", e.SubCode);
                Assert.AreEqual("r", e.RequestId);
                Assert.AreEqual(418, e.HttpStatus);
                Assert.AreEqual(TimeSpan.FromSeconds(7), e.RetryAfter);
            }
            Assert.AreEqual(expected.Count, Enum.GetValues(typeof(IopStatus)).Length - 1, "every IopStatus but Ok is mapped");
            // The EnOS expired-token error is a platform error: existing catch blocks still see it.
            Assert.IsInstanceOf<IopPlatformException>(IopException.Create(10, "IOP_ERR_TOKEN_EXPIRED", "m", "1203", null, null, null, 200));
            // The C# enum names agree with the library's names.
            foreach (IopStatus s in Enum.GetValues(typeof(IopStatus)))
            {
                string native = Native.StatusName((int)s).Replace("IOP_ERR_", "").Replace("IOP_", "").Replace("_", "");
                Assert.AreEqual(native, s.ToString().ToUpperInvariant());
            }
            Assert.AreEqual("IOP_UNKNOWN_STATUS", Native.StatusName(12), "a new native status needs a new exception type");
            Assert.AreEqual(typeof(IopException), IopException.Create(42, "X", "m", null, null, null, null, 0).GetType());
        }

        [Test]
        public void VersionCheck_AcceptsOnlyTheSameMajorMinor()
        {
            Assert.IsTrue(Native.IsCompatible("0.1.0"));
            Assert.IsTrue(Native.IsCompatible("0.1.17"));
            Assert.IsFalse(Native.IsCompatible("0.2.0"));
            Assert.IsFalse(Native.IsCompatible("1.1.0"));
            Assert.IsFalse(Native.IsCompatible("0"));
            Assert.IsFalse(Native.IsCompatible(""));
            Assert.IsFalse(Native.IsCompatible(null));
            Assert.IsTrue(Native.IsCompatible(Native.LoadedVersion), "the loaded library: " + Native.LoadedVersion);
        }

        [Test]
        public void Utf8Helpers_RoundTrip()
        {
            byte[] b = Native.Utf8("é🙂");
            Assert.AreEqual(new byte[] { 0xC3, 0xA9, 0xF0, 0x9F, 0x99, 0x82, 0 }, b);
            Assert.IsNull(Native.Utf8(null));
            Assert.AreEqual(new byte[] { 0 }, Native.Utf8(""));
            Assert.IsNull(Native.FromUtf8(IntPtr.Zero));
        }

        [Test]
        public void UrlConstants_CoverEveryGateway()
        {
            Assert.AreEqual("https://api.taobao.tw/rest", UrlConstants.API_GATEWAY_URL_TW);
            Assert.AreEqual("https://auth.taobao.tw/rest", UrlConstants.API_AUTHORIZATION_URL_TW);
            Assert.AreEqual("https://auth.lazada.com/rest", UrlConstants.API_AUTHORIZATION_URL);
            Assert.AreEqual("https://api.lazada.sg/rest", UrlConstants.API_GATEWAY_URL_SG);
            Assert.AreEqual("https://api.lazada.com.my/rest", UrlConstants.API_GATEWAY_URL_MY);
            Assert.AreEqual("https://api.lazada.vn/rest", UrlConstants.API_GATEWAY_URL_VN);
            Assert.AreEqual("https://api.lazada.co.th/rest", UrlConstants.API_GATEWAY_URL_TH);
            Assert.AreEqual("https://api.lazada.com.ph/rest", UrlConstants.API_GATEWAY_URL_PH);
            Assert.AreEqual("https://api.lazada.co.id/rest", UrlConstants.API_GATEWAY_URL_ID);
            Assert.AreEqual("https://api-sg.aliexpress.com/rest", UrlConstants.API_GATEWAY_URL_ALIEXPRESS);
            Assert.AreEqual("https://api-sg.aliexpress.com/sync", UrlConstants.API_GATEWAY_URL_ALIEXPRESS_SYNC);
            Assert.AreEqual("https://openapi-api.alibaba.com/rest", UrlConstants.API_GATEWAY_URL_ALIBABA);
            Assert.AreEqual("https://auth.lazada.com/oauth/authorize", UrlConstants.OAUTH_AUTHORIZE_URL_LAZADA);
            Assert.AreEqual("https://api-sg.aliexpress.com/oauth/authorize", UrlConstants.OAUTH_AUTHORIZE_URL_ALIEXPRESS);
            // Every client URL constant is accepted by libiop.
            foreach (System.Reflection.FieldInfo f in typeof(UrlConstants).GetFields())
            {
                if (f.Name.StartsWith("API_", StringComparison.Ordinal))
                {
                    using (new IopClient((string)f.GetValue(null), "k", "s")) { }
                }
            }
        }
    }
}
