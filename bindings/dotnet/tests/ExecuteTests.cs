using System;
using System.IO;
using System.Text;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    [TestFixture]
    public class ExecuteTests
    {
        private Sandbox sandbox;
        private IopClient lazada;
        private Token token;

        [TestFixtureSetUp]
        public void StartSandbox()
        {
            sandbox = new Sandbox();
            lazada = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret);
            token = lazada.CreateToken(sandbox.NewCode());
        }

        [TestFixtureTearDown]
        public void StopSandbox()
        {
            lazada.Dispose();
            sandbox.Dispose();
        }

        [Test]
        public void GopCall_WithAccessToken_Succeeds()
        {
            IopResponse r = lazada.Execute(new IopRequest("/seller/get"), token.AccessToken);
            Assert.IsFalse(r.IsError(), r.Body);
            Assert.AreEqual(200, r.HttpStatus);
            Assert.AreEqual("0", r.Code);
            Assert.IsNotNullOrEmpty(r.RequestId);
            StringAssert.Contains("\"seller_id\"", r.Body);
            Assert.IsNull(r.Type);
        }

        [Test]
        public void GopCall_ExplicitProtocol_Succeeds()
        {
            Assert.IsFalse(lazada.Execute(new IopRequest("/seller/get"), token.AccessToken, GopProtocolEnum.GOP).IsError());
        }

        [Test]
        public void GopCall_GetMethod_Succeeds()
        {
            IopRequest request = new IopRequest("/seller/get");
            request.SetHttpMethod("get");
            Assert.AreEqual("GET", request.GetHttpMethod());
            Assert.IsFalse(lazada.Execute(request, token.AccessToken).IsError());
        }

        [Test]
        public void GopCall_WithFileAndHeader_Succeeds()
        {
            IopRequest request = new IopRequest("/seller/get");
            request.AddFileParameter("image", new FileItem("pixel.png", new byte[] { 0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3 }));
            request.AddHeaderParameter("X-Test", "yes");
            request.AddApiParameter("note", "multipart");
            IopResponse r = lazada.Execute(request, token.AccessToken);
            Assert.IsFalse(r.IsError(), r.Body);
        }

        [Test]
        public void GopCall_WithFileFromDisk_Succeeds()
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllBytes(path, Encoding.UTF8.GetBytes("hello file"));
                IopRequest request = new IopRequest("/seller/get");
                request.AddFileParameter("file", new FileItem(path));
                Assert.IsFalse(lazada.Execute(request, token.AccessToken).IsError());
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Test]
        public void TopCall_OnAliExpress_Succeeds()
        {
            using (IopClient ae = new IopClient(sandbox.AliExpressBareUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                Token t = ae.CreateToken(sandbox.NewCode());
                IopRequest request = new IopRequest("aliexpress.ds.category.get");
                request.AddApiParameter("category_id", "44");
                IopResponse r = ae.Execute(request, t.AccessToken, GopProtocolEnum.TOP);
                Assert.IsFalse(r.IsError(), r.Body);
                StringAssert.Contains("aliexpress_ds_category_get_response", r.Body);
                StringAssert.Contains("Earphones & Headphones", r.Body);
                // Auto picks TOP for a dotted name.
                Assert.IsFalse(ae.Execute(request, t.AccessToken).IsError());
            }
        }

        [Test]
        public void TopCall_BadSession_IsWrappedError()
        {
            using (IopClient ae = new IopClient(sandbox.AliExpressUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                IopResponse r = ae.Execute(new IopRequest("aliexpress.ds.category.get"), "not-a-token", GopProtocolEnum.TOP);
                Assert.IsTrue(r.IsError());
                Assert.AreEqual("IllegalAccessToken", r.Code);
                Assert.AreEqual("ISV", r.Type);
                Assert.IsNotNullOrEmpty(r.Message);
                Assert.IsNotNullOrEmpty(r.SubCode);
                Assert.IsNotNullOrEmpty(r.SubMessage);
                Assert.IsNotNullOrEmpty(r.RequestId);
                StringAssert.Contains("error_response", r.Body);
            }
        }

        [Test]
        public void PlatformError_IsAResponseNotAnException()
        {
            IopResponse r = lazada.Execute(new IopRequest("/seller/get"), "bogus-token");
            Assert.IsTrue(r.IsError());
            Assert.AreEqual("IllegalAccessToken", r.Code);
            Assert.AreEqual("ISV", r.Type);
            Assert.AreEqual(400, r.HttpStatus);
            Assert.IsNotNullOrEmpty(r.Message);
            Assert.IsNotNullOrEmpty(r.RequestId);
            StringAssert.DoesNotContain("bogus-token", r.ToString());
        }

        [Test]
        public void MissingToken_IsMissingParameter()
        {
            IopResponse r = lazada.Execute(new IopRequest("/seller/get"));
            Assert.IsTrue(r.IsError());
            Assert.AreEqual("MissingParameter", r.Code);
        }

        [Test]
        public void WrongSecret_IsIncompleteSignatureResponse()
        {
            using (IopClient bad = new IopClient(sandbox.TwUrl, Sandbox.AppKey, "wrong-secret"))
            {
                IopRequest request = new IopRequest("/auth/token/create");
                request.AddApiParameter("code", sandbox.NewCode());
                IopResponse r = bad.Execute(request);
                Assert.IsTrue(r.IsError());
                Assert.AreEqual("IncompleteSignature", r.Code);
                Assert.AreEqual(400, r.HttpStatus);
            }
        }

        [Test]
        public void InvalidAppKey_Response()
        {
            using (IopClient bad = new IopClient(sandbox.LazadaUrl, "12345", "s"))
            {
                IopResponse r = bad.Execute(new IopRequest("/seller/get"), token.AccessToken);
                Assert.AreEqual("InvalidAppKey", r.Code);
            }
        }

        [Test]
        public void ExpiredAccessToken_AfterClockAdvance()
        {
            using (Sandbox own = new Sandbox())
            using (IopClient client = new IopClient(own.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                Token t = client.CreateToken(own.NewCode());
                Assert.IsFalse(client.Execute(new IopRequest("/seller/get"), t.AccessToken).IsError());
                long seconds = (long)(t.ExpiresAt - DateTimeOffset.UtcNow).TotalSeconds + 60;
                own.AdvanceClock(seconds);
                IopResponse r = client.Execute(new IopRequest("/seller/get"), t.AccessToken);
                Assert.AreEqual("IllegalAccessToken", r.Code);
                Token refreshed = client.RefreshToken(t.RefreshToken);
                Assert.IsFalse(client.Execute(new IopRequest("/seller/get"), refreshed.AccessToken).IsError());
            }
        }

        [Test]
        public void EmptyParameterValue_IsSignedAndSent()
        {
            IopRequest request = new IopRequest("/seller/get");
            request.AddApiParameter("empty", "");
            request.AddApiParameter("unicode", "店家 ünï 🙂 &=?");
            Assert.IsFalse(lazada.Execute(request, token.AccessToken).IsError());
        }

        [Test]
        public void NullParameterValue_RemovesTheParameter()
        {
            IopRequest request = new IopRequest("/seller/get");
            request.AddApiParameter("x", "1");
            request.AddApiParameter("x", null);
            Assert.IsFalse(request.GetParameters().ContainsKey("x"));
            request.AddApiParameter("y", "1");
            request.AddApiParameter("y", "2");
            Assert.AreEqual("2", request.GetParameters()["y"]);
        }

        [Test]
        public void Sign_MatchesThePublishedExample()
        {
            // protocol.md: secret helloworld, /order/get, app_key 123456, order_id 1234,
            // access_token test, timestamp 1517820392000 → 4190D323…FAB4A. partner_id is signed
            // too, so it is compared after removing it from the string to sign.
            using (IopClient client = new IopClient("https://api.lazada.sg/rest", "123456", "helloworld"))
            {
                IopRequest request = new IopRequest("/order/get");
                request.AddApiParameter("order_id", "1234");
                IopSignature s = client.Sign(request, "test", GopProtocolEnum.GOP, DateTimeOffset.FromUnixTimeMilliseconds(1517820392000));
                StringAssert.StartsWith("/order/getaccess_tokentestapp_key123456order_id1234", s.StringToSign);
                StringAssert.Contains("timestamp1517820392000", s.StringToSign);
                Assert.AreEqual(64, s.Signature.Length);
                Assert.AreEqual(s.Signature.ToUpperInvariant(), s.Signature);
                StringAssert.DoesNotContain("helloworld", s.StringToSign);
            }
        }

        [Test]
        public void MaxResponseBytes_TooSmall_IsMalformedResponse()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                client.SetMaxResponseBytes(16);
                Assert.Throws<IopMalformedResponseException>(() => client.Execute(new IopRequest("/seller/get"), token.AccessToken));
            }
        }

        [Test]
        public void Setters_Work()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                client.SetTimeout(5000);
                client.SetReadWriteTimeout(5000);
                client.SetPartnerId("dotnet-tests");
                client.SetAllowInsecureHttp(false);
                client.SetMaxResponseBytes(1 << 20);
                Assert.IsFalse(client.Execute(new IopRequest("/seller/get"), token.AccessToken).IsError());
            }
        }

        [Test]
        public void NativeVersion_IsCompatible()
        {
            StringAssert.StartsWith("0.1.", IopClient.NativeVersion);
        }
    }
}
