// Benchmark of the .NET binding: IopClient.Execute against the canned-response server.
//
// Run by scripts/bench: `mono ExecuteBench.exe OUT` with IOP_BENCH_URL (the server's
// http://127.0.0.1:PORT/rest) set and the release libiop.so found by DllImport("iop"). A
// warmed-up timing loop: IOP_BENCH_WARMUP_MS of calls (default 1000), then IOP_BENCH_SAMPLES
// samples (30) of IOP_BENCH_CALLS calls (400); writes one sample (µs per call) a line to OUT.
// The workload is bench/src/workload.rs's.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using Iopkit;

public static class ExecuteBench
{
    const string AppKey = "100001";
    const string AppSecret = "benchSecret-100001-0123456789abcdef";
    const string Api = "/auth/token/create";
    const string Code = "0_100001_bench_code_4fQjXa9kD2LrTzWc";

    static int EnvInt(string name, int fallback)
    {
        int n;
        return int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out n) && n > 0
            ? n
            : fallback;
    }

    public static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: mono ExecuteBench.exe OUT");
            return 2;
        }
        string url = Environment.GetEnvironmentVariable("IOP_BENCH_URL");
        if (string.IsNullOrEmpty(url))
        {
            Console.Error.WriteLine("IOP_BENCH_URL is not set");
            return 2;
        }
        long warmupMs = EnvInt("IOP_BENCH_WARMUP_MS", 1000);
        int samples = EnvInt("IOP_BENCH_SAMPLES", 30), calls = EnvInt("IOP_BENCH_CALLS", 400);
        var results = new double[samples];
        using (var client = new IopClient(url, AppKey, AppSecret))
        {
            var request = new IopRequest(Api);
            request.AddApiParameter("code", Code);
            IopResponse first = client.Execute(request);
            if (first.IsError() || first.Code != "0")
            {
                Console.Error.WriteLine("the canned server's answer is not a success: " + first);
                return 1;
            }
            var warm = Stopwatch.StartNew();
            while (warm.ElapsedMilliseconds < warmupMs)
            {
                client.Execute(request);
            }
            for (int s = 0; s < samples; s++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < calls; i++)
                {
                    client.Execute(request);
                }
                results[s] = watch.Elapsed.TotalMilliseconds * 1000.0 / calls;
            }
        }
        var text = new StringBuilder();
        text.AppendFormat(CultureInfo.InvariantCulture, "# .NET IopClient.Execute: {0} samples of {1} calls, µs per call\n", samples, calls);
        foreach (double r in results)
        {
            text.AppendFormat(CultureInfo.InvariantCulture, "{0:F3}\n", r);
        }
        File.WriteAllText(args[0], text.ToString());
        return 0;
    }
}
