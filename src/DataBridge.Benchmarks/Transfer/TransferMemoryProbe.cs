using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace DataBridge.Benchmarks.Transfer;

/// <summary>
/// Target 4 of the transfer suite, which BenchmarkDotNet cannot measure: the peak working set of the
/// .NET process and of the Python worker during a numeric round trip (streaming variant, output batches
/// released as they arrive). Run with <c>dotnet run -c Release --project src/DataBridge.Benchmarks -- memory [rows]</c>.
/// </summary>
internal static partial class TransferMemoryProbe
{
    private const string IdentityReportingPeak = """
        import resource
        def frames():
            for df in data_manager.fetch_once():
                yield df
            data_manager.log("maxrss_kb %d" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        data_manager.set_output(frames())
        """;

    public static int Run(string[] args)
    {
        int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000_000;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        long before = process.WorkingSet64;
        List<RecordBatch> input = TransferData.Numeric(rows);
        long dataBytes = input.Sum(b => b.Arrays.Sum(c => (long)c.Data.Buffers.Sum(x => x.Length)));
        GC.Collect();
        process.Refresh();
        long withData = process.WorkingSet64;
        var logger = new CapturingLogger();
        long outputRows = 0;
        var bridge = new PythonBridge(new PythonBridgeOptions { PythonExecutable = PythonPeer.Python, Logger = logger });
        try
        {
            var stopwatch = Stopwatch.StartNew();
            Task.Run(async () =>
            {
                await foreach (RecordBatch batch in bridge.RunStreamingAsync(input, IdentityReportingPeak).ConfigureAwait(false))
                {
                    outputRows += batch.Length;
                    batch.Dispose();
                }
            }).GetAwaiter().GetResult();
            stopwatch.Stop();
            process.Refresh();
            long peak = process.PeakWorkingSet64;
            long pythonPeak = logger.PythonMaxRssKb * 1024L;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rows: {rows:N0} in, {outputRows:N0} out in {stopwatch.Elapsed.TotalSeconds:F2} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"data size (Arrow buffers): {Mb(dataBytes)}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $".NET working set: {Mb(before)} before the data, {Mb(withData)} holding it, peak {Mb(peak)}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $".NET peak minus the pre-data constant = {(peak - before) / (double)dataBytes:F2}x the data size (target <= 1.5x)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Python worker peak RSS (ru_maxrss, includes the daemon's preloaded pandas): {Mb(pythonPeak)} = {pythonPeak / (double)dataBytes:F2}x the data size (target <= 2x)"));
            return outputRows == rows ? 0 : 1;
        }
        finally
        {
            bridge.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F0} MiB");

    [GeneratedRegex(@"maxrss_kb (\d+)")]
    private static partial Regex MaxRss();

    private sealed class CapturingLogger : ILogger
    {
        public long PythonMaxRssKb { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Match m = MaxRss().Match(formatter(state, exception));
            if (m.Success)
            {
                PythonMaxRssKb = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
    }
}
