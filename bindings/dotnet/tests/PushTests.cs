using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Serialization;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>
    /// A push receiver on 127.0.0.1 (System.Net.HttpListener), as the README's handler: reads the
    /// Authorization header and the RAW body bytes, answers with <c>answer(authorization, body)</c>,
    /// and keeps what it received.
    /// </summary>
    public sealed class PushServer : IDisposable
    {
        private readonly HttpListener listener = new HttpListener();
        private readonly Thread thread;
        public readonly List<KeyValuePair<string, byte[]>> Received = new List<KeyValuePair<string, byte[]>>();

        public PushServer(Func<string, byte[], int> answer)
        {
            TcpListener probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = "http://127.0.0.1:" + port + "/lazada/push";
            listener.Prefixes.Add("http://127.0.0.1:" + port + "/");
            listener.Start();
            thread = new Thread(() =>
            {
                while (true)
                {
                    HttpListenerContext ctx;
                    try
                    {
                        ctx = listener.GetContext();
                    }
                    catch (Exception)
                    {
                        return;
                    }
                    try
                    {
                        MemoryStream raw = new MemoryStream();
                        ctx.Request.InputStream.CopyTo(raw);
                        string auth = ctx.Request.Headers["Authorization"];
                        int status = answer(auth, raw.ToArray());
                        lock (Received)
                        {
                            Received.Add(new KeyValuePair<string, byte[]>(auth, raw.ToArray()));
                        }
                        ctx.Response.StatusCode = status;
                        ctx.Response.ContentLength64 = 0;
                        ctx.Response.Close();
                    }
                    catch (Exception)
                    {
                    }
                }
            });
            thread.IsBackground = true;
            thread.Start();
        }

        public string Url { get; private set; }

        public KeyValuePair<string, byte[]> Last
        {
            get { lock (Received) { return Received.Last(); } }
        }

        public void Dispose()
        {
            try { listener.Stop(); listener.Close(); } catch (Exception) { }
        }
    }

    [DataContract]
    public sealed class TradeOrderData
    {
        [DataMember(Name = "trade_order_id")]
        public string TradeOrderId;
    }

    [TestFixture]
    public class PushTests
    {
        private const string Seller = "1000100042";
        private Sandbox sandbox;

        [SetUp]
        public void Start()
        {
            sandbox = new Sandbox();
        }

        [TearDown]
        public void Stop()
        {
            sandbox.Dispose();
        }

        private void Register(PushServer server)
        {
            sandbox.Control("POST", "/push/register?url=" + Uri.EscapeDataString(server.Url) + "&app_key=" + Sandbox.AppKey);
        }

        private long Order(string seller)
        {
            return (long)MiniJson.Object(sandbox.Control("POST", "/push/order?seller_id=" + seller))["id"];
        }

        private void Flush()
        {
            sandbox.Control("POST", "/push/flush");
        }

        /// <summary>The sandbox's delivery log (<c>GET /_sandbox/push/log</c>), oldest first.</summary>
        private List<Dictionary<string, object>> Log()
        {
            return ((List<object>)MiniJson.Object(sandbox.Control("GET", "/push/log"))["deliveries"])
                .Cast<Dictionary<string, object>>().ToList();
        }

        private long SandboxNowMs()
        {
            return (long)MiniJson.Object(sandbox.Control("GET", "/clock"))["now_ms"];
        }

        /// <summary>One trade-order push from the sandbox, as received (header, raw body).</summary>
        private KeyValuePair<string, byte[]> OneOrderPush()
        {
            using (PushServer server = new PushServer((a, b) => 200))
            {
                Register(server);
                Order(Seller);
                Flush();
                Assert.AreEqual(1, server.Received.Count);
                Assert.IsNotNull(server.Last.Key, "an Authorization header");
                return server.Last;
            }
        }

        private static string Reason(TestDelegate call)
        {
            IopPushRejectedException e = Assert.Throws<IopPushRejectedException>(call);
            Assert.AreEqual("IOP_ERR_PUSH_REJECTED", e.StatusName);
            Assert.AreEqual(IopStatus.PushRejected, e.Status);
            Assert.IsFalse(e.ToString().Contains(Sandbox.AppSecret), "the message quotes the secret");
            return e.ErrorCode;
        }

        [Test]
        public void SandboxPush_Verifies()
        {
            KeyValuePair<string, byte[]> push = OneOrderPush();
            using (PushReceiver r = new PushReceiver(Sandbox.AppKey, Sandbox.AppSecret))
            using (PushMessage m = r.Verify(push.Key, push.Value))
            {
                Assert.AreEqual(IopPushType.TradeOrder, m.Type);
                Assert.AreEqual(0, m.MessageType);
                Assert.AreEqual(Seller, m.SellerId);
                Assert.AreEqual("lazada_sg", m.Site);
                Assert.Greater(m.Timestamp.Value.Year, 2000, "seconds normalized");
                Assert.IsFalse(m.IsDuplicate);
                Assert.IsNull(m.AuthExpiresAt);
                StringAssert.Contains("trade_order_id", m.DataJson);
                Assert.IsNotEmpty(m.Data<TradeOrderData>().TradeOrderId);
                Assert.AreEqual(Encoding.UTF8.GetString(push.Value), m.Body);
                Assert.IsTrue(r.Sign(push.Value) == push.Key, "Sign gives what the sandbox sent");
                using (MemoryTokenStore store = new MemoryTokenStore())
                {
                    Assert.AreEqual(0, store.ApplyPush(m), "a trade order changes no record");
                }
            }
        }

        [Test]
        public void Tampering_IsRefusedWithTheReason_UpperCaseHexVerifies_DuplicateRecognised()
        {
            KeyValuePair<string, byte[]> push = OneOrderPush();
            string auth = push.Key;
            byte[] body = push.Value;
            Func<PushReceiver> fresh = () => new PushReceiver(Sandbox.AppKey, Sandbox.AppSecret, 16);

            byte[] changed = (byte[])body.Clone();
            changed[Array.IndexOf(changed, (byte)'4')] = (byte)'5';
            Assert.AreEqual("SignatureMismatch", Reason(() => fresh().Verify(auth, changed)));
            using (PushReceiver other = new PushReceiver(Sandbox.NoRefreshAppKey, Sandbox.AppSecret))
            {
                Assert.AreEqual("SignatureMismatch", Reason(() => other.Verify(auth, body)));
            }
            Assert.AreEqual("MalformedAuthorization", Reason(() => fresh().Verify(auth.Substring(0, 40), body)));
            Assert.AreEqual("MissingAuthorization", Reason(() => fresh().Verify(null, body)));
            // Re-serialized as most JSON libraries would (same data, other bytes).
            string text = Encoding.UTF8.GetString(body);
            byte[] reserialized = Encoding.UTF8.GetBytes(text.Replace("\":", "\": ").Replace(",\"", ", \""));
            Assert.AreNotEqual(body, reserialized);
            Assert.AreEqual("SignatureMismatch", Reason(() => fresh().Verify(auth, reserialized)));
            Assert.AreEqual("MalformedBody", Reason(() =>
            {
                PushReceiver r = fresh();
                byte[] notPush = Encoding.UTF8.GetBytes("[1,2]");
                r.Verify(r.Sign(notPush), notPush);
            }));

            using (PushReceiver r = fresh())
            {
                using (PushMessage first = r.Verify(auth.ToUpperInvariant(), body))
                {
                    Assert.IsFalse(first.IsDuplicate, "upper-case hex verifies");
                }
                using (PushMessage again = r.Verify(auth, body))
                {
                    Assert.IsTrue(again.IsDuplicate, "the same delivery again");
                }
            }
            using (PushReceiver none = new PushReceiver(Sandbox.AppKey, Sandbox.AppSecret, 0))
            {
                Assert.IsFalse(none.Verify(auth, body).IsDuplicate);
                Assert.IsFalse(none.Verify(auth, body).IsDuplicate, "remember 0: no memory");
            }
        }

        [Test]
        public void Arguments_AndDispose()
        {
            Assert.Throws<IopInvalidArgumentException>(() => new PushReceiver(Sandbox.AppKey, Sandbox.AppSecret, -1));
            Assert.Throws<IopInvalidArgumentException>(() => new PushReceiver("", Sandbox.AppSecret));
            PushReceiver r = new PushReceiver(Sandbox.AppKey, Sandbox.AppSecret);
            Assert.Throws<ArgumentNullException>(() => r.Verify("00", null));
            Assert.Throws<ArgumentNullException>(() => r.Sign(null));
            byte[] body = Encoding.UTF8.GetBytes("{\"message_type\":12,\"data\":{},\"timestamp\":1627203600,\"site\":\"lazada_sg\"}");
            PushMessage m = r.Verify(r.Sign(body), body);
            Assert.AreEqual(IopPushType.CategoryTree, m.Type);
            Assert.IsNull(m.SellerId, "a broadcast");
            byte[] unknown = Encoding.UTF8.GetBytes("{\"seller_id\":\"1\",\"message_type\":99,\"timestamp\":1627203600123}");
            PushMessage u = r.Verify(r.Sign(unknown), unknown);
            Assert.AreEqual(99, (int)u.Type);
            Assert.IsFalse(Enum.IsDefined(typeof(IopPushType), u.Type));
            Assert.AreEqual(1627203600123L, u.Timestamp.Value.ToUnixTimeMilliseconds());
            Assert.AreEqual("{}", u.DataJson);
            using (MemoryTokenStore store = new MemoryTokenStore())
            {
                Assert.Throws<ArgumentNullException>(() => store.ApplyPush(null));
                m.Dispose();
                m.Dispose();
                Assert.Throws<ObjectDisposedException>(() => store.ApplyPush(m));
            }
            r.Dispose();
            r.Dispose();
            Assert.Throws<ObjectDisposedException>(() => r.Sign(body));
        }

        [Test]
        public void BadSignatureFault_IsRefusedWithSignatureMismatch()
        {
            List<string> reasons = new List<string>();
            using (PushReceiver r = new PushReceiver(Sandbox.AppKey, Sandbox.AppSecret))
            using (PushServer server = new PushServer((auth, body) =>
            {
                try
                {
                    r.Verify(auth, body).Dispose();
                    return 200;
                }
                catch (IopPushRejectedException e)
                {
                    lock (reasons) { reasons.Add(e.ErrorCode); }
                    return 401;
                }
            }))
            {
                Register(server);
                sandbox.Control("POST", "/push/faults?mode=bad-signature&count=1");
                long id = Order(Seller);
                Flush();
                List<Dictionary<string, object>> log = Log().Where(d => (long)d["id"] == id).ToList();
                Assert.AreEqual(1, log.Count);
                Assert.AreEqual(401L, log[0]["status"]);
                Assert.AreEqual(true, log[0]["bad_signature"]);
                CollectionAssert.AreEqual(new[] { "SignatureMismatch" }, reasons);
                sandbox.AdvanceClock(30 * 60);
                Flush();
                log = Log().Where(d => (long)d["id"] == id).ToList();
                Assert.AreEqual(2, log.Count);
                Assert.AreEqual(200L, log[1]["status"], "the retry carries the right signature");
            }
        }

        [Test]
        public void ExpiryAlert_EndToEnd_MakesTheSellerDue()
        {
            Token token;
            using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                token = client.CreateToken(sandbox.NewCode());
            }
            string seller = token.SellerId;
            Assert.IsNotNull(seller, "the sandbox names the seller");
            // A grant whose refresh deadline the app never learnt: only the alert can tell it.
            Token grant = Token.FromJson(Regex.Replace(token.ToJson(), "\"refresh_expires_at\"\\s*:\\s*\\d+", "\"refresh_expires_at\":null"));
            Assert.IsNull(grant.RefreshExpiresAt);
            string dir = Path.Combine(Path.GetTempPath(), "iopkit-dotnet-push-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            List<long> applied = new List<long>();
            try
            {
                using (IopClient client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
                using (FileTokenStore store = new FileTokenStore(Path.Combine(dir, "tokens.json")))
                using (TokenManager manager = new TokenManager(client, store, "shop-sg"))
                using (PushReceiver r = new PushReceiver(Sandbox.AppKey, Sandbox.AppSecret))
                using (PushServer server = new PushServer((auth, body) =>
                {
                    PushMessage m;
                    try
                    {
                        m = r.Verify(auth, body);
                    }
                    catch (IopPushRejectedException)
                    {
                        return 401;
                    }
                    using (m)
                    {
                        if (m.Type == IopPushType.TokenExpiryAlert && m.SellerId == seller)
                        {
                            lock (applied) { applied.Add(store.ApplyPush(m)); }
                        }
                    }
                    return 200;
                }))
                {
                    manager.StoreGrant(grant);
                    Register(server);
                    // "Within 48 h" on the sandbox's virtual clock, as seen from the real one.
                    Func<TimeSpan> within48h = () => TimeSpan.FromMilliseconds(SandboxNowMs() - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
                        + TimeSpan.FromHours(48);
                    Assert.IsEmpty(store.ReauthorizationDue(within48h()));

                    long refreshTtl = 2592000; // the sandbox's default refresh-token lifetime, seconds
                    sandbox.AdvanceClock(refreshTtl - 49 * 3600);
                    Flush();
                    Assert.IsFalse(Log().Any(d => (long)d["message_type"] == 8 && (string)d["seller_id"] == seller), "49 h before: no alert");
                    Assert.IsEmpty(store.ReauthorizationDue(within48h()), "not due before the alert");

                    sandbox.AdvanceClock(2 * 3600); // 47 hours before the authorization ends
                    Flush();
                    List<Dictionary<string, object>> alerts = Log().Where(d => (long)d["message_type"] == 8 && (string)d["seller_id"] == seller).ToList();
                    Assert.AreEqual(1, alerts.Count);
                    Assert.AreEqual(200L, alerts[0]["status"]);
                    CollectionAssert.AreEqual(new[] { 1L }, applied, "the seller's one record changed");

                    IReadOnlyList<ReauthorizationDeadline> due = store.ReauthorizationDue(within48h());
                    Assert.AreEqual(1, due.Count);
                    Assert.AreEqual("shop-sg", due[0].Account);
                    long expectedMs = SandboxNowMs() + 47 * 3600000L;
                    Assert.Less(Math.Abs(due[0].ReauthorizeBy.ToUnixTimeMilliseconds() - expectedMs), 60000);
                    Assert.IsTrue(manager.LoadRecord().Replace(" ", "").Contains("\"refresh_expires_at_ms\":" + due[0].ReauthorizeBy.ToUnixTimeMilliseconds()),
                        "the record's refresh deadline moved (record not printed: it holds tokens)");

                    KeyValuePair<string, byte[]> last = server.Last;
                    using (PushReceiver again = new PushReceiver(Sandbox.AppKey, Sandbox.AppSecret, 0))
                    using (PushMessage m = again.Verify(last.Key, last.Value))
                    {
                        Assert.AreEqual(due[0].ReauthorizeBy, m.AuthExpiresAt);
                        Assert.AreEqual(0, store.ApplyPush(m), "idempotent");
                    }
                }
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [Test]
        public void UnacknowledgedPush_IsDeliveredAgainAfter30Minutes()
        {
            int calls = 0;
            using (PushServer server = new PushServer((auth, body) => Interlocked.Increment(ref calls) == 1 ? 500 : 200))
            {
                Register(server);
                long id = Order(Seller);
                Flush();
                Func<List<Dictionary<string, object>>> attempts = () => Log().Where(d => (long)d["id"] == id).ToList();
                Assert.AreEqual(1, attempts().Count);
                Assert.AreEqual(500L, attempts()[0]["status"]);
                sandbox.AdvanceClock(29 * 60);
                Flush();
                Assert.AreEqual(1, attempts().Count, "not before 30 minutes");
                sandbox.AdvanceClock(60);
                Flush();
                List<Dictionary<string, object>> all = attempts();
                Assert.AreEqual(2, all.Count);
                Assert.AreEqual(2L, all[1]["attempt"]);
                Assert.AreEqual(200L, all[1]["status"]);
                Assert.GreaterOrEqual((long)all[1]["at_ms"] - (long)all[0]["at_ms"], 30 * 60000L);
                using (PushReceiver r = new PushReceiver(Sandbox.AppKey, Sandbox.AppSecret))
                {
                    Assert.IsFalse(r.Verify(server.Received[0].Key, server.Received[0].Value).IsDuplicate);
                    Assert.IsTrue(r.Verify(server.Received[1].Key, server.Received[1].Value).IsDuplicate, "the same message again");
                }
                sandbox.AdvanceClock(30 * 60);
                Flush();
                Assert.AreEqual(2, attempts().Count, "acknowledged: no more deliveries");
            }
        }
    }
}
