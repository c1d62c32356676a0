using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>
    /// The cross-language conformance table (tests/conformance/cases.json): every case through the
    /// public API, one NUnit test per case. An op this runner does not know fails.
    /// </summary>
    [TestFixture]
    public class ConformanceTests
    {
        private static string CasesPath()
        {
            string env = Environment.GetEnvironmentVariable("IOP_CONFORMANCE_CASES");
            if (!string.IsNullOrEmpty(env))
            {
                return env;
            }
            string here = Path.GetDirectoryName(typeof(ConformanceTests).Assembly.Location);
            return Path.GetFullPath(Path.Combine(here, "..", "..", "tests", "conformance", "cases.json"));
        }

        public static IEnumerable<TestCaseData> Cases()
        {
            Dictionary<string, object> table = MiniJson.Object(File.ReadAllText(CasesPath()));
            foreach (object c in (List<object>)table["cases"])
            {
                Dictionary<string, object> d = (Dictionary<string, object>)c;
                yield return new TestCaseData(d).SetName((string)d["id"]);
            }
        }

        [Test, TestCaseSource("Cases")]
        public void Case(Dictionary<string, object> c)
        {
            Dictionary<string, object> expect = (Dictionary<string, object>)c["expect"];
            if (expect.ContainsKey("error"))
            {
                IopException e = Assert.Throws(Is.InstanceOf<IopException>(), () => Run(c)) as IopException;
                Assert.AreEqual(expect["error"], e.StatusName, e.Message);
                Assert.AreEqual(ExceptionClass((string)expect["error"]), e.GetType().Name);
                if (expect.ContainsKey("code"))
                {
                    Assert.AreEqual(expect["code"], e.ErrorCode, "the exception's code");
                }
                return;
            }
            Dictionary<string, object> got = Run(c);
            foreach (KeyValuePair<string, object> field in expect)
            {
                if (field.Key != "ok")
                {
                    Assert.IsTrue(got.ContainsKey(field.Key), "the runner produced no " + field.Key);
                    Assert.AreEqual(field.Value, got[field.Key], field.Key);
                }
            }
        }

        /// <summary><c>IOP_ERR_TIMEOUT</c> → <c>Timeout</c>: the generated naming rule.</summary>
        private static string Pascal(string status)
        {
            string tail = status.StartsWith("IOP_ERR_", StringComparison.Ordinal) ? status.Substring(8) : status.Substring(4);
            return string.Concat(tail.Split('_').Select(w => w.Substring(0, 1) + w.Substring(1).ToLowerInvariant()).ToArray());
        }

        private static string ExceptionClass(string status)
        {
            return "Iop" + Pascal(status) + "Exception";
        }

        private static string S(Dictionary<string, object> c, string key)
        {
            return (string)c[key];
        }

        private static DateTimeOffset Ms(Dictionary<string, object> c, string key)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)c[key]);
        }

        private static Dictionary<string, object> Run(Dictionary<string, object> c)
        {
            Dictionary<string, object> r = new Dictionary<string, object>();
            string op = S(c, "op");
            switch (op)
            {
                case "config_set":
                    using (IopClient client = new IopClient(UrlConstants.API_GATEWAY_URL_TW, "k", "s"))
                    {
                        Set(client, S(c, "setting"), c["value"]);
                    }
                    return r;
                case "client_new":
                    new IopClient(S(c, "server_url"), S(c, "app_key"), S(c, "app_secret")).Dispose();
                    return r;
                case "enos_client_new":
                    new EnosClient(S(c, "gateway_url"), S(c, "app_key"), S(c, "app_secret")).Dispose();
                    return r;
                case "sign":
                    using (IopClient client = new IopClient(S(c, "server_url"), S(c, "app_key"), S(c, "app_secret")))
                    {
                        client.SetPartnerId(S(c, "partner_id"));
                        IopRequest request = new IopRequest(S(c, "api"));
                        foreach (List<object> p in ((List<object>)c["params"]).Cast<List<object>>())
                        {
                            request.AddApiParameter((string)p[0], (string)p[1]);
                        }
                        GopProtocolEnum protocol = (GopProtocolEnum)Enum.Parse(typeof(GopProtocolEnum), S(c, "protocol"));
                        IopSignature s = client.Sign(request, S(c, "access_token"), protocol, Ms(c, "timestamp_ms"));
                        r["sign_string"] = s.StringToSign;
                        r["sign"] = s.Signature;
                    }
                    return r;
                case "token_round_trip":
                    return Fields(Token.FromJson(Token.Parse(S(c, "response"), Ms(c, "received_at_ms")).ToJson()));
                case "token_from_json":
                    return Fields(Token.FromJson(S(c, "json")));
                case "status_exception":
                    IopStatus status = (IopStatus)Enum.Parse(typeof(IopStatus), Pascal(S(c, "status")));
                    IopException e = IopException.FromStatus(status, "conformance");
                    Assert.IsInstanceOf<IopException>(e);
                    Assert.AreEqual(ExceptionClass(S(c, "status")), e.GetType().Name);
                    Assert.AreEqual(status, e.Status);
                    r["status"] = e.StatusName;
                    return r;
                case "status_name":
                    r["value"] = IopException.StatusNameOf(checked((int)(long)c["value"]));
                    return r;
                case "authorize_url":
                    IopPlatform platform = (IopPlatform)Enum.Parse(typeof(IopPlatform), S(c, "platform"), true);
                    r["url"] = OAuth.AuthorizeUrl(platform, S(c, "client_id"), S(c, "redirect_uri"), S(c, "country"), S(c, "state"), S(c, "base_url"));
                    return r;
                case "verify_state":
                    r["value"] = OAuth.VerifyState(S(c, "expected"), S(c, "received"));
                    return r;
                case "enos_sign":
                    using (EnosClient enos = new EnosClient(S(c, "gateway_url"), S(c, "app_key"), S(c, "app_secret")))
                    {
                        ApimHeaders h = enos.Sign(S(c, "access_token"), S(c, "path_and_query"), S(c, "body"), Ms(c, "timestamp_ms"));
                        r["signature"] = h.Signature;
                        r["timestamp_ms"] = h.TimestampMs;
                    }
                    return r;
                case "push_verify":
                    using (PushReceiver receiver = new PushReceiver(S(c, "app_key"), S(c, "app_secret")))
                    using (PushMessage m = receiver.Verify(S(c, "authorization"), System.Text.Encoding.UTF8.GetBytes(S(c, "body"))))
                    {
                        r["type"] = (long)m.Type;
                        r["seller_id"] = m.SellerId;
                        r["site"] = m.Site;
                        r["timestamp_ms"] = m.Timestamp.HasValue ? m.Timestamp.Value.ToUnixTimeMilliseconds() : -1L;
                        r["auth_expires_at_ms"] = m.AuthExpiresAt.HasValue ? m.AuthExpiresAt.Value.ToUnixTimeMilliseconds() : -1L;
                        r["is_duplicate"] = m.IsDuplicate;
                    }
                    return r;
                default:
                    Assert.Fail("unknown conformance op `" + op + "`");
                    return r;
            }
        }

        private static void Set(IopClientBase client, string setting, object value)
        {
            switch (setting)
            {
                case "connect_timeout_ms": client.SetConnectTimeoutMs((long)value); break;
                case "read_timeout_ms": client.SetReadTimeoutMs((long)value); break;
                case "max_response_bytes": client.SetMaxResponseBytes((long)value); break;
                case "max_connect_retries": client.SetMaxConnectRetries(checked((int)(long)value)); break;
                case "partner_id": client.SetPartnerId((string)value); break;
                case "ca_bundle": client.SetCaBundle((string)value); break;
                case "allow_insecure_http": client.SetAllowInsecureHttp((bool)value); break;
                case "max_idle_connections": client.SetMaxIdleConnections(checked((int)(long)value)); break;
                case "idle_timeout_ms": client.SetIdleTimeoutMs((long)value); break;
                case "proxy": client.SetProxy((string)value); break;
                default: Assert.Fail("unknown setting `" + setting + "`"); break;
            }
        }

        private static Dictionary<string, object> Fields(Token t)
        {
            return new Dictionary<string, object>
            {
                { "access_token", t.AccessToken },
                { "refresh_token", t.RefreshToken },
                { "expires_at_ms", t.ExpiresAt.ToUnixTimeMilliseconds() },
                { "refresh_expires_at_ms", t.RefreshExpiresAt.HasValue ? (object)t.RefreshExpiresAt.Value.ToUnixTimeMilliseconds() : null },
                { "can_refresh", t.CanRefresh },
                { "account", t.Account },
                { "seller_id", t.SellerId },
                { "user_id", t.UserId },
                { "country", t.Country },
                { "country_count", (long)t.CountryUserInfo.Count },
            };
        }
    }
}
