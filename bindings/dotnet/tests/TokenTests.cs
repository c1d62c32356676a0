using System;
using System.Linq;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    [TestFixture]
    public class TokenTests
    {
        private Sandbox sandbox;

        [TestFixtureSetUp]
        public void StartSandbox()
        {
            sandbox = new Sandbox();
        }

        [TestFixtureTearDown]
        public void StopSandbox()
        {
            sandbox.Dispose();
        }

        private static void AssertFresh(Token t)
        {
            Assert.IsNotNullOrEmpty(t.AccessToken);
            Assert.IsNotNullOrEmpty(t.RefreshToken);
            Assert.Greater(t.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-5));
            Assert.IsTrue(t.CanRefresh);
            Assert.IsTrue(t.RefreshExpiresAt.HasValue);
            Assert.GreaterOrEqual(t.RefreshExpiresAt.Value, t.ExpiresAt);
            Assert.IsNotNullOrEmpty(t.Raw);
            StringAssert.Contains(t.AccessToken, t.Raw);
        }

        [Test]
        public void CreateAndRefresh_Lazada()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                Token t = client.CreateToken(sandbox.NewCode());
                AssertFresh(t);
                Assert.AreEqual("seller_center", t.AccountPlatform);
                Assert.IsNull(t.AccountId);
                Assert.IsNotNull(t.Country);
                Assert.AreEqual(1, t.CountryUserInfo.Count);
                Assert.AreEqual(t.Country, t.CountryUserInfo[0].Country);
                Assert.IsNotNull(t.CountryUserInfo[0].SellerId);
                Assert.IsNotNull(t.CountryUserInfo[0].UserId);
                Assert.IsNotNull(t.CountryUserInfo[0].ShortCode);

                Token r = client.RefreshToken(t.RefreshToken);
                AssertFresh(r);
                Assert.AreNotEqual(t.RefreshToken, r.RefreshToken);
                Assert.AreEqual(1, r.CountryUserInfo.Count, "country_user_info_list on refresh");
            }
        }

        [Test]
        public void CreateAndRefresh_Tw()
        {
            using (IopClient client = new IopClient(sandbox.TwUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                Token t = client.CreateToken(sandbox.NewCode());
                AssertFresh(t);
                Assert.IsNotNull(t.UserId);
                Assert.IsNotNull(t.SellerId);
                Assert.IsNotNull(t.ShortCode);
                Assert.IsNotNull(t.AccountId);
                Token r = client.RefreshToken(t.RefreshToken);
                AssertFresh(r);
                Assert.AreEqual(t.UserId, r.UserId, "user_Id on refresh is read too");
                Assert.AreEqual(t.SellerId, r.SellerId, "seller_Id on refresh is read too");
            }
        }

        [Test]
        public void CreateAndRefresh_AliExpress_RestAndBareHost()
        {
            foreach (string url in new[] { sandbox.AliExpressUrl, sandbox.AliExpressBareUrl })
            {
                using (IopClient client = new IopClient(url, Sandbox.AppKey, Sandbox.AppSecret))
                {
                    Token t = client.CreateToken(sandbox.NewCode());
                    AssertFresh(t);
                    Assert.IsNotNull(t.HavanaId);
                    Assert.IsNotNull(t.UserNick);
                    Assert.AreEqual("zh_CN", t.Locale);
                    Assert.AreEqual("ae", t.Sp);
                    Assert.AreEqual(0, t.CountryUserInfo.Count);
                    Token r = client.RefreshToken(t.RefreshToken);
                    AssertFresh(r);
                }
            }
        }

        [Test]
        public void Refresh_RotatesAndTheOldRefreshTokenIsDead()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                Token first = client.CreateToken(sandbox.NewCode());
                Token second = client.RefreshToken(first.RefreshToken);
                Assert.AreNotEqual(first.RefreshToken, second.RefreshToken);
                IopPlatformException e = Assert.Throws<IopPlatformException>(() => client.RefreshToken(first.RefreshToken));
                Assert.AreEqual("IllegalRefreshToken", e.ErrorCode);
                Assert.AreEqual("ISV", e.ErrorType);
                Assert.AreEqual(IopStatus.Platform, e.Status);
                Assert.AreEqual("IOP_ERR_PLATFORM", e.StatusName);
                Assert.IsNotNullOrEmpty(e.RequestId);
                Assert.AreEqual(400, e.HttpStatus);
                StringAssert.DoesNotContain(first.RefreshToken, e.Message);
                Token third = client.RefreshToken(second.RefreshToken);
                Assert.IsNotNullOrEmpty(third.AccessToken);
            }
        }

        [Test]
        public void InvalidCode_IsAPlatformExceptionWithFields()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                IopPlatformException e = Assert.Throws<IopPlatformException>(() => client.CreateToken("0_100001_not-a-code"));
                Assert.AreEqual("InvalidCode", e.ErrorCode);
                Assert.AreEqual("ISV", e.ErrorType);
                Assert.IsNotNullOrEmpty(e.RequestId);
                Assert.AreEqual(400, e.HttpStatus);
                Assert.IsNotNullOrEmpty(e.Message);
                Assert.IsInstanceOf<IopException>(e);
            }
        }

        [Test]
        public void CodeIsOneTime()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                string code = sandbox.NewCode();
                client.CreateToken(code);
                Assert.AreEqual("InvalidCode", Assert.Throws<IopPlatformException>(() => client.CreateToken(code)).ErrorCode);
            }
        }

        [Test]
        public void WrongSecret_IsIncompleteSignature()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, "not-the-secret"))
            {
                IopPlatformException e = Assert.Throws<IopPlatformException>(() => client.CreateToken(sandbox.NewCode()));
                Assert.AreEqual("IncompleteSignature", e.ErrorCode);
                StringAssert.DoesNotContain("not-the-secret", e.Message);
                StringAssert.DoesNotContain("not-the-secret", e.ToString());
            }
        }

        [Test]
        public void UnknownAppKey_IsInvalidAppKey()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, "999999", "whatever"))
            {
                Assert.AreEqual("InvalidAppKey", Assert.Throws<IopPlatformException>(() => client.CreateToken("x")).ErrorCode);
            }
        }

        [Test]
        public void ServiceMarketApp_CannotRefresh()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.NoRefreshAppKey, Sandbox.NoRefreshAppSecret))
            {
                Token t = client.CreateToken(sandbox.NewCode(Sandbox.NoRefreshAppKey));
                Assert.IsFalse(t.CanRefresh);
                Assert.IsFalse(t.RefreshExpiresAt.HasValue);
                IopPlatformException e = Assert.Throws<IopPlatformException>(() => client.RefreshToken(t.RefreshToken.Length > 0 ? t.RefreshToken : "x"));
                Assert.That(e.ErrorCode == "AUTH_TYPE_UNSUPPORTED" || e.ErrorCode == "IllegalRefreshToken", e.ErrorCode);
            }
        }

        [Test]
        public void OAuthRedirect_CodeCreatesAToken()
        {
            string location = sandbox.Authorize("https://example.invalid/callback", "state-42");
            StringAssert.StartsWith("https://example.invalid/callback?", location);
            StringAssert.Contains("state=state-42", location);
            string code = Uri.UnescapeDataString(location.Split('?')[1].Split('&')
                .First(p => p.StartsWith("code=", StringComparison.Ordinal)).Substring(5));
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                AssertFresh(client.CreateToken(code));
            }
        }

        [Test]
        public void ToString_RedactsTokens_ToJson_HasThem()
        {
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                Token t = client.CreateToken(sandbox.NewCode());
                string s = t.ToString();
                StringAssert.DoesNotContain(t.AccessToken, s);
                StringAssert.DoesNotContain(t.RefreshToken, s);
                StringAssert.Contains("<redacted>", s);
                string json = t.ToJson();
                StringAssert.Contains("\"access_token\"", json);
                StringAssert.Contains(t.AccessToken, json);
                StringAssert.Contains(t.RefreshToken, json);
                StringAssert.Contains("\"expires_at\":" + t.ExpiresAt.ToUnixTimeMilliseconds(), json.Replace(" ", ""));
                StringAssert.Contains("\"can_refresh\":true", json.Replace(" ", ""));
            }
        }

        [Test]
        public void Parse_DocumentedTwResponse()
        {
            // The "Streamlined Return" of seed 000 (TW refresh): lifetimes as strings, user_Id/seller_Id.
            string body = "{ \"code\": \"0\", \"access_token\": \"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg\", \"refresh_token\": \"500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi\", \"account_id\": \"7063844\", \"user_Id\": \"1001\", \"account_platform\": \"seller_center\", \"refresh_expires_in\": \"60\", \"error_code\": \"error_code\", \"expires_in\": \"10\", \"request_id\": \"0ba2887315178178017221014\", \"seller_Id\": \"10011\", \"account\": \"xxx@126.com\", \"short_code\": \"HK001\" }";
            DateTimeOffset at = DateTimeOffset.FromUnixTimeMilliseconds(1700000000000);
            Token t = Token.Parse(body, at);
            Assert.AreEqual(at.AddSeconds(10), t.ExpiresAt);
            Assert.AreEqual(at.AddSeconds(60), t.RefreshExpiresAt);
            Assert.AreEqual("1001", t.UserId);
            Assert.AreEqual("10011", t.SellerId);
            Assert.AreEqual("7063844", t.AccountId);
            Assert.AreEqual("HK001", t.ShortCode);
            Assert.AreEqual("xxx@126.com", t.Account);
            Assert.IsTrue(t.CanRefresh);
            Assert.AreEqual(body, t.Raw);
        }

        [Test]
        public void Parse_AliExpressAbsoluteExpiries_AndNoRefresh()
        {
            string body = "{\"code\":\"0\",\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_in\":2592000,\"refresh_expires_in\":0,"
                + "\"expire_time\":1714192160000,\"refresh_token_valid_time\":1716784148000,\"havana_id\":\"3000020000814\",\"sp\":\"ae\"}";
            Token t = Token.Parse(body, DateTimeOffset.UtcNow);
            Assert.AreEqual(DateTimeOffset.FromUnixTimeMilliseconds(1714192160000), t.ExpiresAt);
            Assert.IsFalse(t.CanRefresh);
            Assert.AreEqual("3000020000814", t.HavanaId);
        }

        [Test]
        public void Parse_ErrorEnvelope_IsPlatformException()
        {
            IopPlatformException e = Assert.Throws<IopPlatformException>(() => Token.Parse(
                "{\"type\":\"ISV\",\"code\":\"IllegalRefreshToken\",\"message\":\"Illegal refresh token\",\"request_id\":\"abc123\"}",
                DateTimeOffset.UtcNow));
            Assert.AreEqual("IllegalRefreshToken", e.ErrorCode);
            Assert.AreEqual("ISV", e.ErrorType);
            Assert.AreEqual("abc123", e.RequestId);
            // No HTTP exchange took place; libiop's iop_token_parse reports the body as if it
            // came with HTTP 200, so HttpStatus is not asserted here.
        }

        [Test]
        public void Parse_NotJson_IsMalformedResponse()
        {
            Assert.Throws<IopMalformedResponseException>(() => Token.Parse("<html>", DateTimeOffset.UtcNow));
        }

        [Test]
        public void Parse_Null_IsArgumentNull()
        {
            Assert.Throws<ArgumentNullException>(() => Token.Parse(null, DateTimeOffset.UtcNow));
        }

        [Test]
        public void Parse_Utf8RoundTrips()
        {
            string body = "{\"code\":\"0\",\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_in\":10,\"refresh_expires_in\":20,"
                + "\"account\":\"店家-Ünïcødé-🙂@example.com\"}";
            Token t = Token.Parse(body, DateTimeOffset.UtcNow);
            Assert.AreEqual("店家-Ünïcødé-🙂@example.com", t.Account);
            Assert.AreEqual(body, t.Raw);
        }
    }
}
