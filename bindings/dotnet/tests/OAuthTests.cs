using System;
using System.Linq;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>Authorization URL, state and the sandbox's authorization page.</summary>
    [TestFixture]
    public class OAuthTests
    {
        private static string QueryValue(string url, string name)
        {
            string query = url.Substring(url.IndexOf('?') + 1);
            string pair = query.Split('&').FirstOrDefault(p => p.StartsWith(name + "=", StringComparison.Ordinal));
            return pair == null ? null : Uri.UnescapeDataString(pair.Substring(name.Length + 1));
        }

        [Test]
        public void AuthorizeUrl_Lazada_EncodesEveryValue()
        {
            string state = OAuth.NewState();
            string url = OAuth.AuthorizeUrl(IopPlatform.Lazada, "100001", "https://example.com/cb?x=1&y=ü", "SG", state);
            StringAssert.StartsWith("https://auth.lazada.com/oauth/authorize?response_type=code&force_auth=true&", url);
            StringAssert.Contains("&redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1%26y%3D%C3%BC", url);
            StringAssert.Contains("&client_id=100001", url);
            StringAssert.Contains("&state=" + state, url);
            StringAssert.Contains("&country=sg", url);
            Assert.AreEqual("https://example.com/cb?x=1&y=ü", QueryValue(url, "redirect_uri"));

            string special = OAuth.AuthorizeUrl(IopPlatform.Lazada, "app#1", "https://example.com/cb", null, "s&t=ü x");
            StringAssert.Contains("&client_id=app%231", special);
            StringAssert.Contains("&state=s%26t%3D%C3%BC%20x", special);
            StringAssert.DoesNotContain("country=", special);
        }

        [Test]
        public void AuthorizeUrl_AliExpress_HasNoCountry()
        {
            string url = OAuth.AuthorizeUrl(IopPlatform.AliExpress, "500123", "https://shop.example/callback", state: "abc");
            StringAssert.StartsWith("https://api-sg.aliexpress.com/oauth/authorize?response_type=code&force_auth=true&", url);
            StringAssert.Contains("&redirect_uri=https%3A%2F%2Fshop.example%2Fcallback", url);
            StringAssert.Contains("&client_id=500123", url);
            StringAssert.Contains("&state=abc", url);
            StringAssert.Contains("country", Assert.Throws<IopInvalidArgumentException>(
                () => OAuth.AuthorizeUrl(IopPlatform.AliExpress, "500123", "https://shop.example/callback", "sg")).Message);
        }

        [Test]
        public void AuthorizeUrl_BadArguments()
        {
            Assert.AreEqual("clientId", Assert.Throws<ArgumentNullException>(() => OAuth.AuthorizeUrl(IopPlatform.Lazada, null, "https://e.x/cb")).ParamName);
            Assert.AreEqual("redirectUri", Assert.Throws<ArgumentNullException>(() => OAuth.AuthorizeUrl(IopPlatform.Lazada, "1", null)).ParamName);
            Assert.Throws<IopInvalidArgumentException>(() => OAuth.AuthorizeUrl(IopPlatform.Lazada, "", "https://e.x/cb"));
            Assert.Throws<IopInvalidArgumentException>(() => OAuth.AuthorizeUrl(IopPlatform.Lazada, "1", "not a url"));
            Assert.Throws<IopInvalidArgumentException>(() => OAuth.AuthorizeUrl(IopPlatform.Lazada, "1", "https://e.x/cb", "singapore"));
            Assert.Throws<IopInvalidArgumentException>(() => OAuth.AuthorizeUrl(IopPlatform.Lazada, "1", "https://e.x/cb", null, ""));
            Assert.Throws<IopInvalidArgumentException>(() => OAuth.AuthorizeUrl(IopPlatform.Lazada, "1", "https://e.x/cb", baseUrl: "http://example.com/oauth/authorize"));
            StringAssert.Contains("platform", Assert.Throws<IopInvalidArgumentException>(() => OAuth.AuthorizeUrl((IopPlatform)7, "1", "https://e.x/cb")).Message);
        }

        [Test]
        public void NewState_IsRandomAndUrlSafe()
        {
            string a = OAuth.NewState();
            string b = OAuth.NewState();
            StringAssert.IsMatch("^[A-Za-z0-9_-]{32}$", a);
            StringAssert.IsMatch("^[A-Za-z0-9_-]{32}$", b);
            Assert.AreNotEqual(a, b);
        }

        [Test]
        public void VerifyState_TrueOnlyForTheSameState()
        {
            string s = OAuth.NewState();
            Assert.IsTrue(OAuth.VerifyState(s, string.Copy(s)));
            Assert.IsTrue(OAuth.VerifyState("état-ü", "état-ü"));
            Assert.IsFalse(OAuth.VerifyState(s, OAuth.NewState()));
            Assert.IsFalse(OAuth.VerifyState(s, s.Substring(1)));
            Assert.IsFalse(OAuth.VerifyState(s, s + "x"));
            Assert.IsFalse(OAuth.VerifyState(s, s.ToUpperInvariant() == s ? s.ToLowerInvariant() : s.ToUpperInvariant()));
            Assert.IsFalse(OAuth.VerifyState("", ""));
            Assert.IsFalse(OAuth.VerifyState(null, s));
            Assert.IsFalse(OAuth.VerifyState(s, null));
            Assert.IsFalse(OAuth.VerifyState(null, null));
        }

        [Test]
        public void SandboxAuthorizePage_RedirectsWithACodeThatCreateTokenAccepts()
        {
            using (Sandbox sandbox = new Sandbox())
            {
                string state = OAuth.NewState();
                string url = OAuth.AuthorizeUrl(IopPlatform.Lazada, Sandbox.AppKey, "https://example.invalid/callback", "sg", state,
                    sandbox.Url + "/lazada/oauth/authorize");
                StringAssert.StartsWith(sandbox.Url + "/lazada/oauth/authorize?", url);
                string location = Sandbox.RedirectLocation(url);
                StringAssert.StartsWith("https://example.invalid/callback?", location);
                Assert.IsTrue(OAuth.VerifyState(state, QueryValue(location, "state")), location);
                Assert.IsFalse(OAuth.VerifyState(OAuth.NewState(), QueryValue(location, "state")));
                string code = QueryValue(location, "code");
                Assert.IsNotNullOrEmpty(code);
                using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
                {
                    Token t = client.CreateToken(code);
                    Assert.IsNotNullOrEmpty(t.AccessToken);
                    Assert.IsTrue(t.CanRefresh);
                }
            }
        }
    }
}
