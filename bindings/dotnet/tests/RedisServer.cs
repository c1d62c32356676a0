using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace Iopkit.Tests
{
    /// <summary>
    /// A redis-server of the tests' own on 127.0.0.1 and a free port (Debian's <c>redis-server</c>
    /// package; scripts/test installs it), started with
    /// <c>--port P --bind 127.0.0.1 --save '' --appendonly no</c>. Missing or failing to start is an
    /// exception (the tests fail), never a skip. <see cref="Dispose"/> kills it; so does the end of
    /// the test domain, should a fixture's tear-down not run.
    /// </summary>
    public sealed class RedisServer : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new StringBuilder();
        private int killed;

        public RedisServer()
        {
            Port = FreePort();
            ProcessStartInfo psi = new ProcessStartInfo("redis-server",
                "--port " + Port + " --bind 127.0.0.1 --save \"\" --appendonly no --logfile \"\" --dir \"" + Path.GetTempPath() + "\"")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            try
            {
                process = Process.Start(psi);
            }
            catch (Win32Exception e)
            {
                throw new InvalidOperationException(
                    "redis-server could not be started (" + e.Message + "): install Debian's redis-server package "
                    + "(apt-get install redis-server; scripts/test does)", e);
            }
            DataReceivedEventHandler keep = (sender, args) =>
            {
                if (args.Data != null)
                {
                    lock (output)
                    {
                        output.AppendLine(args.Data);
                    }
                }
            };
            process.OutputDataReceived += keep;
            process.ErrorDataReceived += keep;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            AppDomain.CurrentDomain.DomainUnload += OnUnload;
            AppDomain.CurrentDomain.ProcessExit += OnUnload;

            Stopwatch sw = Stopwatch.StartNew();
            while (!Answers())
            {
                if (process.HasExited || sw.Elapsed > TimeSpan.FromSeconds(10))
                {
                    bool exited = process.HasExited;
                    Dispose();
                    string log;
                    lock (output)
                    {
                        log = output.ToString();
                    }
                    throw new InvalidOperationException("redis-server on port " + Port + (exited ? " exited" : " did not answer PING within 10 s")
                        + "; its output:\n" + log);
                }
                Thread.Sleep(10);
            }
        }

        public int Port { get; private set; }

        /// <summary>redis://127.0.0.1:PORT</summary>
        public string Url { get { return "redis://127.0.0.1:" + Port; } }

        /// <summary>A port nothing listens on (just released by a listener).</summary>
        public static int FreePort()
        {
            TcpListener l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        private bool Answers()
        {
            try
            {
                return Command("PING") == "PONG";
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <summary>
        /// Sends one command (as a RESP array of bulk strings) on a new connection and returns the
        /// reply: a simple or bulk string, an integer as text, or null for a null bulk. An error
        /// reply throws.
        /// </summary>
        public string Command(params string[] args)
        {
            using (TcpClient c = new TcpClient())
            {
                c.Connect(IPAddress.Loopback, Port);
                c.ReceiveTimeout = 5000;
                NetworkStream s = c.GetStream();
                StringBuilder req = new StringBuilder();
                req.Append('*').Append(args.Length).Append("\r\n");
                foreach (string a in args)
                {
                    req.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
                }
                byte[] bytes = Encoding.UTF8.GetBytes(req.ToString());
                s.Write(bytes, 0, bytes.Length);
                string line = ReadLine(s);
                switch (line[0])
                {
                    case '+':
                    case ':':
                        return line.Substring(1);
                    case '-':
                        throw new InvalidOperationException("redis: " + line.Substring(1));
                    case '$':
                        int len = int.Parse(line.Substring(1));
                        if (len < 0)
                        {
                            return null;
                        }
                        byte[] data = new byte[len + 2];
                        int got = 0;
                        while (got < data.Length)
                        {
                            int n = s.Read(data, got, data.Length - got);
                            if (n <= 0)
                            {
                                throw new IOException("redis closed the connection");
                            }
                            got += n;
                        }
                        return Encoding.UTF8.GetString(data, 0, len);
                    default:
                        throw new InvalidOperationException("unexpected redis reply: " + line);
                }
            }
        }

        private static string ReadLine(NetworkStream s)
        {
            List<byte> line = new List<byte>();
            while (true)
            {
                int b = s.ReadByte();
                if (b < 0)
                {
                    throw new IOException("redis closed the connection");
                }
                if (b == '\n' && line.Count > 0 && line[line.Count - 1] == '\r')
                {
                    line.RemoveAt(line.Count - 1);
                    return Encoding.UTF8.GetString(line.ToArray());
                }
                line.Add((byte)b);
            }
        }

        private void OnUnload(object sender, EventArgs e)
        {
            Dispose();
        }

        /// <summary>Kills the server (SIGKILL) and waits for it. Safe to call more than once.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref killed, 1) != 0)
            {
                return;
            }
            AppDomain.CurrentDomain.DomainUnload -= OnUnload;
            AppDomain.CurrentDomain.ProcessExit -= OnUnload;
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
                process.WaitForExit(5000);
                process.Dispose();
            }
            catch (Exception)
            {
            }
        }
    }
}
