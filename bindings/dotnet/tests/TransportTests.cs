using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary>Transport failures, each with its own exception type.</summary>
    [TestFixture]
    public class TransportTests
    {
        [Test]
        public void ReadTimeout_IsTimeoutException_WithinTwiceTheTimeout()
        {
            // Accepts the connection and never answers.
            using (FakeServer server = new FakeServer(s => Thread.Sleep(10000)))
            using (IopClient client = new IopClient(server.Url, Sandbox.AppKey, Sandbox.AppSecret))
            {
                const int timeoutMs = 400;
                client.SetReadWriteTimeout(timeoutMs);
                Stopwatch sw = Stopwatch.StartNew();
                IopTimeoutException e = Assert.Throws<IopTimeoutException>(() => client.Execute(new IopRequest("/seller/get"), "t"));
                sw.Stop();
                Assert.AreEqual(IopStatus.Timeout, e.Status);
                Assert.AreEqual("IOP_ERR_TIMEOUT", e.StatusName);
                Assert.AreEqual(0, e.HttpStatus);
                Assert.GreaterOrEqual(sw.ElapsedMilliseconds, timeoutMs - 50);
                Assert.Less(sw.ElapsedMilliseconds, 2 * timeoutMs, "took " + sw.ElapsedMilliseconds + " ms");
            }
        }

        [Test]
        public void ReadTimeout_TokenHelper_IsTimeoutException()
        {
            using (FakeServer server = new FakeServer(s => Thread.Sleep(10000)))
            using (IopClient client = new IopClient(server.Url, Sandbox.AppKey, Sandbox.AppSecret))
            {
                client.SetReadWriteTimeout(300);
                Assert.Throws<IopTimeoutException>(() => client.CreateToken("code"));
            }
        }

        [Test]
        public void ClosedPort_IsConnectException()
        {
            TcpListener l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            using (IopClient client = new IopClient("http://127.0.0.1:" + port + "/rest", Sandbox.AppKey, Sandbox.AppSecret))
            {
                client.SetTimeout(2000);
                IopConnectException e = Assert.Throws<IopConnectException>(() => client.Execute(new IopRequest("/seller/get")));
                Assert.AreEqual(IopStatus.Connect, e.Status);
                Assert.AreEqual(0, e.HttpStatus);
                Assert.IsNull(e.ErrorCode);
                Assert.IsNotNullOrEmpty(e.Message);
                // The token helpers report it the same way.
                Assert.Throws<IopConnectException>(() => client.RefreshToken("r"));
            }
        }

        [Test]
        public void ConnectionClosedBeforeResponse_IsNetworkException()
        {
            using (FakeServer server = new FakeServer(s => { FakeServer.ReadRequest(s); s.Close(); }))
            using (IopClient client = new IopClient(server.Url, Sandbox.AppKey, Sandbox.AppSecret))
            {
                Assert.Throws<IopNetworkException>(() => client.Execute(new IopRequest("/seller/get")));
            }
        }

        [Test]
        public void HtmlBadGateway_IsHttpException()
        {
            using (FakeServer server = new FakeServer(s =>
            {
                FakeServer.ReadRequest(s);
                FakeServer.Reply(s, "502 Bad Gateway", "text/html", "<html><body>502 Bad Gateway</body></html>");
            }))
            using (IopClient client = new IopClient(server.Url, Sandbox.AppKey, Sandbox.AppSecret))
            {
                IopHttpException e = Assert.Throws<IopHttpException>(() => client.Execute(new IopRequest("/seller/get")));
                Assert.AreEqual(502, e.HttpStatus);
                Assert.AreEqual(IopStatus.Http, e.Status);
            }
        }

        [Test]
        public void NotJson_IsMalformedResponseException()
        {
            using (FakeServer server = new FakeServer(s =>
            {
                FakeServer.ReadRequest(s);
                FakeServer.Reply(s, "200 OK", "text/plain", "this is not json");
            }))
            using (IopClient client = new IopClient(server.Url, Sandbox.AppKey, Sandbox.AppSecret))
            {
                IopMalformedResponseException e = Assert.Throws<IopMalformedResponseException>(() => client.Execute(new IopRequest("/seller/get")));
                Assert.AreEqual(IopStatus.MalformedResponse, e.Status);
            }
        }

        [Test]
        public void PlainHttpServerBehindHttpsUrl_IsTlsException()
        {
            using (FakeServer server = new FakeServer(s =>
            {
                byte[] buf = new byte[1024];
                s.Read(buf, 0, buf.Length); // the ClientHello
                FakeServer.Reply(s, "400 Bad Request", "text/plain", "plain HTTP here");
            }))
            using (IopClient client = new IopClient("https://127.0.0.1:" + server.Port + "/rest", Sandbox.AppKey, Sandbox.AppSecret))
            {
                client.SetReadWriteTimeout(3000);
                IopTlsException e = Assert.Throws<IopTlsException>(() => client.Execute(new IopRequest("/seller/get")));
                Assert.AreEqual(IopStatus.Tls, e.Status);
            }
        }

        [Test]
        public void PlainHttpToNonLoopbackHost_IsRefused()
        {
            using (IopClient client = new IopClient("http://api.example.invalid/rest", Sandbox.AppKey, Sandbox.AppSecret))
            {
                Assert.Throws<IopInvalidArgumentException>(() => client.Execute(new IopRequest("/seller/get")));
            }
        }
    }
}
