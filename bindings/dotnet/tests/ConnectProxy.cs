using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace Iopkit.Tests
{
    /// <summary>
    /// A tiny HTTP CONNECT proxy on 127.0.0.1 for the proxy tests: each CONNECT is answered
    /// <c>200</c> and tunnelled to its target (counted in <see cref="Tunnels"/>), or
    /// <c>407</c> when <see cref="RequiredAuthorization"/> is set and the request's
    /// <c>Proxy-Authorization</c> differs. Anything else is answered 405.
    /// </summary>
    public sealed class ConnectProxy : IDisposable
    {
        private readonly FakeServer server;
        private int tunnels;

        public ConnectProxy(string requiredAuthorization = null)
        {
            RequiredAuthorization = requiredAuthorization;
            server = new FakeServer(Serve);
        }

        public int Port => server.Port;

        /// <summary><c>http://127.0.0.1:PORT</c></summary>
        public string Url => "http://127.0.0.1:" + Port;

        /// <summary>The <c>Proxy-Authorization</c> value a CONNECT must carry, or null for none.</summary>
        public string RequiredAuthorization { get; private set; }

        /// <summary>Tunnels opened so far.</summary>
        public int Tunnels => Volatile.Read(ref tunnels);

        /// <summary>CONNECT requests refused with 407.</summary>
        public int Refused;

        /// <summary>One client connection (on its own thread, from <see cref="FakeServer"/>),
        /// closed when this returns: a tunnel ends when either side closes.</summary>
        private void Serve(NetworkStream s)
        {
            using (s)
            {
                string head = ReadHead(s);
                string[] lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
                string[] first = lines[0].Split(' ');
                string auth = null;
                foreach (string line in lines)
                {
                    if (line.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase))
                    {
                        auth = line.Substring("Proxy-Authorization:".Length).Trim();
                    }
                }
                if (first.Length < 2 || first[0] != "CONNECT")
                {
                    Write(s, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }
                if (RequiredAuthorization != null && auth != RequiredAuthorization)
                {
                    Interlocked.Increment(ref Refused);
                    Write(s, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }
                int colon = first[1].LastIndexOf(':');
                using (TcpClient upstream = new TcpClient())
                {
                    upstream.Connect(first[1].Substring(0, colon), int.Parse(first[1].Substring(colon + 1)));
                    Interlocked.Increment(ref tunnels);
                    Write(s, "HTTP/1.1 200 Connection established\r\n\r\n");
                    NetworkStream u = upstream.GetStream();
                    Thread back = new Thread(() => Pump(u, s, s)) { IsBackground = true };
                    back.Start();
                    Pump(s, u, upstream);
                }
            }
        }

        private static void Pump(Stream from, Stream to, IDisposable closeWhenDone)
        {
            byte[] buf = new byte[16384];
            try
            {
                int n;
                while ((n = from.Read(buf, 0, buf.Length)) > 0)
                {
                    to.Write(buf, 0, n);
                }
            }
            catch (Exception)
            {
            }
            closeWhenDone.Dispose();
        }

        private static string ReadHead(Stream s)
        {
            StringBuilder sb = new StringBuilder();
            while (!sb.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                int b = s.ReadByte();
                if (b < 0)
                {
                    break;
                }
                sb.Append((char)b);
            }
            return sb.ToString();
        }

        private static void Write(Stream s, string text)
        {
            byte[] b = Encoding.ASCII.GetBytes(text);
            s.Write(b, 0, b.Length);
            s.Flush();
        }

        public void Dispose()
        {
            server.Dispose();
        }
    }
}
