using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Iopkit;
using NUnit.Framework;

namespace Iopkit.Tests
{
    /// <summary><see cref="IopClientBase.SetProxy"/> against a loopback CONNECT proxy the test starts.</summary>
    [TestFixture]
    public class ProxyTests : LazadaFixture
    {
        [Test]
        public void Calls_GoThroughTheProxy()
        {
            using (ConnectProxy proxy = new ConnectProxy())
            using (IopClient proxied = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                proxied.SetMaxIdleConnections(0); // one tunnel per call
                proxied.SetProxy(proxy.Url);
                for (int i = 0; i < 3; i++)
                {
                    IopResponse r = proxied.Execute(new IopRequest("/seller/get"), token.AccessToken);
                    Assert.IsFalse(r.IsError(), r.Body);
                }
                Token t = proxied.CreateToken(sandbox.NewCode());
                Assert.IsNotEmpty(t.AccessToken);
                Assert.AreEqual(4, proxy.Tunnels);

                proxied.SetProxy(""); // direct again, whatever the environment says
                Assert.IsFalse(proxied.Execute(new IopRequest("/seller/get"), token.AccessToken).IsError());
                Assert.AreEqual(4, proxy.Tunnels);
            }
        }

        [Test]
        public void Credentials_AreSentAndNeverShown()
        {
            string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:pa55word"));
            using (ConnectProxy proxy = new ConnectProxy(expected))
            using (IopClient proxied = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                proxied.SetProxy("http://user:pa55word@127.0.0.1:" + proxy.Port);
                Assert.IsFalse(proxied.Execute(new IopRequest("/seller/get"), token.AccessToken).IsError());
                Assert.AreEqual(1, proxy.Tunnels);

                proxied.SetProxy("http://user:wrong-secret@127.0.0.1:" + proxy.Port);
                IopConnectException e = Assert.Throws<IopConnectException>(() => proxied.Execute(new IopRequest("/seller/get")));
                StringAssert.StartsWith("proxy http://127.0.0.1:" + proxy.Port, e.Message);
                StringAssert.Contains("407", e.Message);
                StringAssert.DoesNotContain("wrong-secret", e.ToString());
                StringAssert.DoesNotContain("user:", e.Message);
            }
        }

        [Test]
        public void ADeadProxy_IsNamedInTheError()
        {
            int port = ClosedPort();
            using (IopClient proxied = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                proxied.SetMaxConnectRetries(0);
                proxied.SetProxy("http://127.0.0.1:" + port);
                IopConnectException e = Assert.Throws<IopConnectException>(() => proxied.Execute(new IopRequest("/seller/get")));
                StringAssert.StartsWith("proxy http://127.0.0.1:" + port, e.Message);
            }
        }

        [Test]
        public void ABadProxyUrl_IsAnInvalidArgument()
        {
            using (IopClient proxied = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret))
            {
                Assert.Throws<IopInvalidArgumentException>(() => proxied.SetProxy("not a url"));
            }
        }

        /// <summary>A loopback port where nothing listens (bound, then released).</summary>
        private static int ClosedPort()
        {
            TcpListener l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }
    }
}
