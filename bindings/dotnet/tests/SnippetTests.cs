using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>
    /// The documented .NET snippets (seeds 000 and 001), verbatim apart from the URL
    /// (UrlConstants.API_GATEWAY_URL_TW → twUrl, the sandbox's TW gateway). Each runs against a
    /// fresh sandbox: the documented literal code and refresh token are accepted once per sandbox.
    /// </summary>
    [TestFixture]
    public class SnippetTests
    {
        private static void AssertTokenOutput(string output)
        {
            string[] lines = output.Replace("\r", "").Split('\n');
            Assert.AreEqual("False", lines[0], "IsError() printed: " + output);
            StringAssert.Contains("\"access_token\"", output);
            StringAssert.Contains("\"refresh_token\"", output);
        }

        [Test]
        public void Seed000_RefreshSnippet_Runs()
        {
            using (Sandbox sandbox = new Sandbox())
            {
                string twUrl = sandbox.TwUrl;
                string appkey = Sandbox.AppKey;
                string appSecret = Sandbox.AppSecret;
                string output = ConsoleCapture.Run(() =>
                {
                    // seed 000, .NET
                    IIopClient client = new IopClient(twUrl, appkey, appSecret); IopRequest request = new IopRequest(); request.SetApiName("/auth/token/refresh"); request.AddApiParameter("refresh_token", "50001600212wcwiOabwyjtEH11acc19aBOvQr9ZYkYDlr987D8BB88LIB8bj"); IopResponse response = client.Execute(request); Console.WriteLine(response.IsError()); Console.WriteLine(response.Body);
                });
                AssertTokenOutput(output);
                // TW refresh spellings, normalized by libiop.
                Token t = Token.Parse(output.Substring(output.IndexOf('{')).Trim(), DateTimeOffset.UtcNow);
                Assert.IsNotNull(t.UserId);
                Assert.IsNotNull(t.SellerId);
            }
        }

        [Test]
        public void Seed001_CreateSnippet_Runs()
        {
            using (Sandbox sandbox = new Sandbox())
            {
                string twUrl = sandbox.TwUrl;
                string appkey = Sandbox.AppKey;
                string appSecret = Sandbox.AppSecret;
                string output = ConsoleCapture.Run(() =>
                {
                    // seed 001, .NET
                    IIopClient client = new IopClient(twUrl, appkey, appSecret); IopRequest request = new IopRequest(); request.SetApiName("/auth/token/create"); request.AddApiParameter("code", "2_2DL4DV3jcU1UOT7WGI1A4rY91"); IopResponse response = client.Execute(request); Console.WriteLine(response.IsError()); Console.WriteLine(response.Body);
                });
                AssertTokenOutput(output);
            }
        }

        [Test]
        public void DocumentedLiterals_AreAcceptedOncePerSandbox()
        {
            using (Sandbox sandbox = new Sandbox())
            using (IopClient client = new IopClient(sandbox.TwUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                IopRequest request = new IopRequest("/auth/token/create");
                request.AddApiParameter("code", Sandbox.DocCode);
                Assert.IsFalse(client.Execute(request).IsError());
                IopResponse again = client.Execute(request);
                Assert.IsTrue(again.IsError());
                Assert.AreEqual("InvalidCode", again.Code);
            }
        }
    }
}
