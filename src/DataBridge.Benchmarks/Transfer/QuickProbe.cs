using System.Diagnostics;
using System.Globalization;

namespace DataBridge.Benchmarks.Transfer;

/// <summary>
/// <c>-- quick [rows] [iterations] [filter]</c> (or <c>-- quick scaling [iterations]</c>): the one-way benchmarks and their socket-limit baselines called in
/// turn (interleaved, so load changes hit both alike) and their medians printed. A development aid for
/// iterating on the transfer path in seconds; the published figures come from the BenchmarkDotNet suite.
/// </summary>
internal static class QuickProbe
{
    public static int Run(string[] args)
    {
        if (args.Length > 1 && args[1] == "scaling")
        {
            return Scaling(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5);
        }

        int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        int iterations = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 15;
        string filter = args.Length > 3 ? args[3] : "";
        var bench = new OneWayTransferBenchmarks { Rows = rows };
        bench.Setup();
        try
        {
            var pairs = new (string Name, Func<object> Baseline, Func<object> Subject)[]
            {
                ("numeric .NET -> pandas", () => bench.SocketLimitToPython(), () => bench.NumericToPandas().GetAwaiter().GetResult()),
                ("numeric pandas -> .NET", () => bench.SocketLimitFromPython(), () => bench.NumericFromPandas().GetAwaiter().GetResult()),
                ("numeric pandas -> .NET streamed", () => bench.SocketLimitFromPython(), () => bench.NumericFromPandasStreamed().GetAwaiter().GetResult()),
                ("utf8 .NET -> pandas", () => bench.SocketLimitStrings(), () => bench.StringsToPandas().GetAwaiter().GetResult()),
                ("utf8 pandas -> .NET", () => bench.SocketLimitStringsFromPython(), () => bench.StringsFromPandas().GetAwaiter().GetResult()),
            };
            Console.WriteLine($"{rows:N0} rows, {iterations} interleaved iterations, medians");
            foreach (var (name, baseline, subject) in pairs.Where(p => p.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
            {
                var b = new List<double>();
                var s = new List<double>();
                for (int i = 0; i < iterations; i++)
                {
                    b.Add(Time(baseline));
                    s.Add(Time(subject));
                }

                double mb = Median(b), ms = Median(s);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-32} socket {mb,8:F2} ms   bridge {ms,8:F2} ms   = {100 * mb / ms,5:F1}% of the socket limit   ({rows / ms / 1000:F2} M rows/s)"));
            }
        }
        finally
        {
            bench.Cleanup();
        }

        return 0;
    }

    // parallelism 1 and 2 in turn, medians, and the per-partition timings of the last parallel call.
    private static int Scaling(int iterations)
    {
        var bench = new ScalingBenchmarks { RowsPerPartition = 100_000 };
        bench.Setup();
        try
        {
            var one = new List<double>();
            var two = new List<double>();
            var lines = new List<string>();
            for (int i = 0; i < iterations; i++)
            {
                one.Add(Time(() => bench.Run(1).GetAwaiter().GetResult()));
                lines.Clear();
                two.Add(Time(() => bench.Run(2, r => lines.Add($"  partition {r.Partition}: worker {r.WorkerProcessId}, {r.Timings}")).GetAwaiter().GetResult()));
            }

            double m1 = Median(one), m2 = Median(two);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parallelism 1: {m1:F1} ms, parallelism 2: {m2:F1} ms = {m1 / m2:F2}x"));
            lines.ForEach(Console.WriteLine);
        }
        finally
        {
            bench.Cleanup();
        }

        return 0;
    }

    private static double Time(Func<object> action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
