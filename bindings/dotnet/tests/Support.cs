using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace Iopkit.Tests
{
    /// <summary>A fixture with its own sandbox, a Lazada client and a seller's token.</summary>
    public abstract class LazadaFixture
    {
        protected Sandbox sandbox;
        protected IopClient client;
        protected Token token;

        [NUnit.Framework.TestFixtureSetUp]
        public void StartSandbox()
        {
            sandbox = new Sandbox();
            client = new IopClient(sandbox.LazadaUrl, Sandbox.AppKey, Sandbox.AppSecret);
            token = client.CreateToken(sandbox.NewCode());
        }

        [NUnit.Framework.TestFixtureTearDown]
        public void StopSandbox()
        {
            client.Dispose();
            sandbox.Dispose();
        }
    }

    /// <summary>
    /// A running iop-sandbox process (<c>--doc-samples --exit-on-eof</c>): closing its standard
    /// input stops it. Binary: $IOP_SANDBOX, else target/debug/iop-sandbox next to target/dotnet.
    /// </summary>
    public sealed class Sandbox : IDisposable
    {
        public const string AppKey = "100001";
        public const string AppSecret = "sandboxSecret-100001-0123456789abcdef";
        public const string NoRefreshAppKey = "100002";
        public const string NoRefreshAppSecret = "sandboxSecret-100002-0123456789abcdef";
        public const string DocCode = "2_2DL4DV3jcU1UOT7WGI1A4rY91";
        public const string DocRefreshToken = "50001600212wcwiOabwyjtEH11acc19aBOvQr9ZYkYDlr987D8BB88LIB8bj";
        /// <summary>The default EnOS app (the app key of seed 004) and its secret.</summary>
        public const string EnosAppKey = "5acb82e7-a11e-4300-9164-c8b20b638e8b";
        public const string EnosAppSecret = "sandboxEnosSecret-5acb82e7-0123456789abcdef";
        /// <summary>Seed 004's access token, valid with --doc-samples.</summary>
        public const string DocEnosAccessToken = "adsfwerasdfsdfasggaaf";
        /// <summary>The sandbox's protected EnOS API.</summary>
        public const string EnosApi = "/connect-service/v2.1/devices";

        private readonly Process process;

        public Sandbox()
        {
            string path = BinaryPath();
            ProcessStartInfo psi = new ProcessStartInfo(path, "--doc-samples --exit-on-eof")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                CreateNoWindow = true,
            };
            psi.EnvironmentVariables["RUST_BACKTRACE"] = "0";
            process = Process.Start(psi);
            string first = process.StandardOutput.ReadLine();
            const string prefix = "iop-sandbox listening on ";
            if (first == null || !first.StartsWith(prefix, StringComparison.Ordinal))
            {
                try { process.Kill(); } catch (Exception) { }
                throw new InvalidOperationException("iop-sandbox (" + path + ") did not start: " + (first ?? "no output"));
            }
            Url = first.Substring(prefix.Length).Trim();
            // Keep draining stdout so the sandbox never blocks on a full pipe.
            Thread drain = new Thread(() =>
            {
                try
                {
                    while (process.StandardOutput.ReadLine() != null) { }
                }
                catch (Exception) { }
            });
            drain.IsBackground = true;
            drain.Start();
        }

        public static string BinaryPath()
        {
            string env = Environment.GetEnvironmentVariable("IOP_SANDBOX");
            if (!string.IsNullOrEmpty(env))
            {
                return env;
            }
            string here = Path.GetDirectoryName(typeof(Sandbox).Assembly.Location);
            string candidate = Path.GetFullPath(Path.Combine(here, "..", "debug", "iop-sandbox"));
            if (!File.Exists(candidate))
            {
                throw new FileNotFoundException("iop-sandbox not built (cargo build -p iopkit-sandbox) or IOP_SANDBOX not set", candidate);
            }
            return candidate;
        }

        /// <summary>http://127.0.0.1:PORT</summary>
        public string Url { get; private set; }
        public string LazadaUrl { get { return Url + "/lazada/rest"; } }
        public string TwUrl { get { return Url + "/tw/rest"; } }
        public string AliExpressUrl { get { return Url + "/aliexpress/rest"; } }
        public string AliExpressBareUrl { get { return Url + "/aliexpress"; } }

        /// <summary>A fresh one-time authorization code for <paramref name="appKey"/>.</summary>
        public string NewCode(string appKey = AppKey)
        {
            string body = Http("POST", Url + "/_sandbox/code?client_id=" + appKey);
            Match m = Regex.Match(body, "\"code\"\\s*:\\s*\"([^\"]+)\"");
            if (!m.Success)
            {
                throw new InvalidOperationException("no code in " + body);
            }
            return m.Groups[1].Value;
        }

        /// <summary>Calls a control endpoint (<c>/push/flush</c>, …) under <c>/_sandbox</c>; returns its JSON.</summary>
        public string Control(string method, string pathAndQuery)
        {
            return Http(method, Url + "/_sandbox" + pathAndQuery);
        }

        /// <summary>Moves the sandbox's virtual clock forward.</summary>
        public void AdvanceClock(long seconds)
        {
            Http("POST", Url + "/_sandbox/clock/advance?seconds=" + seconds);
        }

        /// <summary>Arms a fault (<c>throttle;seconds=3</c>, …) for the next <paramref name="count"/>
        /// requests to <paramref name="route"/> (a GOP API path such as <c>/auth/token/create</c>).</summary>
        public void ArmFault(string route, string spec, int count)
        {
            Http("POST", Url + "/_sandbox/faults?route=" + Uri.EscapeDataString(route) + "&mode=" + Uri.EscapeDataString(spec)
                + "&count=" + count);
        }

        /// <summary>Follows the Lazada OAuth page once: returns the redirect's Location.</summary>
        public string Authorize(string redirectUri, string state, string appKey = AppKey)
        {
            string url = Url + "/lazada/oauth/authorize?response_type=code&force_auth=true&redirect_uri="
                + Uri.EscapeDataString(redirectUri) + "&client_id=" + appKey + "&state=" + Uri.EscapeDataString(state);
            return RedirectLocation(url);
        }

        /// <summary>GETs <paramref name="url"/> without following redirects: returns the 302's Location.</summary>
        public static string RedirectLocation(string url)
        {
            HttpWebRequest req = (HttpWebRequest)WebRequest.Create(url);
            req.Proxy = null;
            req.KeepAlive = false; // see Http()
            req.AllowAutoRedirect = false;
            req.Method = "GET";
            using (HttpWebResponse resp = (HttpWebResponse)req.GetResponse())
            {
                if ((int)resp.StatusCode != 302)
                {
                    throw new InvalidOperationException("authorize answered " + (int)resp.StatusCode);
                }
                return resp.Headers["Location"];
            }
        }

        /// <summary>POSTs a JSON body to a control endpoint (<c>/limits</c>, …); returns its JSON.</summary>
        public string ControlPost(string pathAndQuery, string json)
        {
            return Http("POST", Url + "/_sandbox" + pathAndQuery, json);
        }

        private static string Http(string method, string url, string body = null)
        {
            HttpWebRequest req = (HttpWebRequest)WebRequest.Create(url);
            req.Proxy = null;
            req.KeepAlive = false; // control calls leave no idle connection behind
            req.Method = method;
            if (method == "POST")
            {
                byte[] bytes = Encoding.UTF8.GetBytes(body ?? string.Empty);
                req.ContentLength = bytes.Length;
                if (bytes.Length > 0)
                {
                    req.ContentType = "application/json";
                    using (Stream s = req.GetRequestStream())
                    {
                        s.Write(bytes, 0, bytes.Length);
                    }
                }
            }
            using (WebResponse resp = req.GetResponse())
            using (StreamReader r = new StreamReader(resp.GetResponseStream(), Encoding.UTF8))
            {
                return r.ReadToEnd();
            }
        }

        public void Dispose()
        {
            try
            {
                process.StandardInput.Close();
                if (!process.WaitForExit(5000))
                {
                    process.Kill();
                }
            }
            catch (Exception)
            {
            }
            process.Dispose();
        }
    }

    /// <summary>
    /// A one-shot-per-connection TCP server on 127.0.0.1 for transport failures: each accepted
    /// connection is handed to <c>handler</c> on its own thread.
    /// </summary>
    public sealed class FakeServer : IDisposable
    {
        private readonly TcpListener listener;
        private readonly Thread thread;
        private readonly List<TcpClient> clients = new List<TcpClient>();
        private volatile bool stopped;

        public FakeServer(Action<NetworkStream> handler)
        {
            listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            thread = new Thread(() =>
            {
                while (!stopped)
                {
                    TcpClient c;
                    try
                    {
                        c = listener.AcceptTcpClient();
                    }
                    catch (Exception)
                    {
                        return;
                    }
                    lock (clients)
                    {
                        clients.Add(c);
                    }
                    Thread t = new Thread(() =>
                    {
                        try
                        {
                            handler(c.GetStream());
                        }
                        catch (Exception)
                        {
                        }
                    });
                    t.IsBackground = true;
                    t.Start();
                }
            });
            thread.IsBackground = true;
            thread.Start();
        }

        public int Port { get; private set; }
        public string Url { get { return "http://127.0.0.1:" + Port + "/rest"; } }

        /// <summary>Reads the request head (up to the blank line) and the body by Content-Length.</summary>
        public static void ReadRequest(NetworkStream s)
        {
            List<byte> head = new List<byte>();
            while (true)
            {
                int b = s.ReadByte();
                if (b < 0)
                {
                    return;
                }
                head.Add((byte)b);
                int n = head.Count;
                if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n')
                {
                    break;
                }
            }
            string text = Encoding.ASCII.GetString(head.ToArray());
            Match m = Regex.Match(text, "content-length:\\s*(\\d+)", RegexOptions.IgnoreCase);
            int len = m.Success ? int.Parse(m.Groups[1].Value) : 0;
            byte[] buf = new byte[4096];
            while (len > 0)
            {
                int r = s.Read(buf, 0, Math.Min(buf.Length, len));
                if (r <= 0)
                {
                    return;
                }
                len -= r;
            }
        }

        public static void Reply(NetworkStream s, string statusLine, string contentType, string body)
        {
            byte[] b = Encoding.UTF8.GetBytes(body);
            string head = "HTTP/1.1 " + statusLine + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + b.Length
                + "\r\nConnection: close\r\n\r\n";
            byte[] h = Encoding.ASCII.GetBytes(head);
            s.Write(h, 0, h.Length);
            s.Write(b, 0, b.Length);
            s.Flush();
        }

        public void Dispose()
        {
            stopped = true;
            listener.Stop();
            lock (clients)
            {
                foreach (TcpClient c in clients)
                {
                    c.Close();
                }
            }
        }
    }

    /// <summary>Runs an action with Console output redirected, and returns what it printed.</summary>
    public static class ConsoleCapture
    {
        private static readonly object Lock = new object();

        public static string Run(Action action)
        {
            lock (Lock)
            {
                TextWriter old = Console.Out;
                StringWriter w = new StringWriter();
                Console.SetOut(w);
                try
                {
                    action();
                }
                finally
                {
                    Console.SetOut(old);
                }
                return w.ToString();
            }
        }
    }

    /// <summary>Resident set size of this process, from /proc/self/statm.</summary>
    public static class Memory
    {
        public static long RssBytes()
        {
            string[] parts = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(parts[1]) * Environment.SystemPageSize;
        }
    }
}
