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
        public void PlatformError_IsAResponseNotAnException()
        {
            IopResponse r = lazada.Execute(new IopRequest("/seller/get"), "bogus-token");
            Assert.IsTrue(r.IsError());
            Assert.AreEqual("IllegalAccessToken", r.Code);
            Assert.AreEqual("ISV", r.Type);
            Assert.AreEqual(200, r.HttpStatus, "API errors come with HTTP 200, as the platforms send them");
            Assert.IsNotNullOrEmpty(r.Message);
            Assert.IsNotNullOrEmpty(r.RequestId);
            StringAssert.DoesNotContain("bogus-token", r.ToString());
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
            StringAssert.StartsWith(IopConstants.VersionMajor + "." + IopConstants.VersionMinor + ".", IopClient.NativeVersion);
        }
    }
}
