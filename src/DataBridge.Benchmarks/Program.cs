using BenchmarkDotNet.Running;
using DataBridge.Benchmarks.Transfer;

namespace DataBridge.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project src/DataBridge.Benchmarks -- --filter '*Transfer*'</c> runs a suite
/// (add <c>--job short</c> for the quick mode); <c>-- memory [rows]</c> runs the transfer memory probe;
/// <c>-- parquet-coverage</c> prints the Parquet libraries' type coverage (docs/parquet.md);
/// <c>-- quick [rows] [iterations]</c> prints interleaved medians of the one-way transfers (a development aid).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "memory")
        {
            return TransferMemoryProbe.Run(args);
        }

        if (args.Length > 0 && args[0] == "parquet-coverage")
        {
            return Parquet.ParquetCoverageProbe.Run();
        }

        if (args.Length > 0 && args[0] == "quick")
        {
            return QuickProbe.Run(args);
        }

        bool shortJob = args.Zip(args.Skip(1)).Any(p => p.First == "--job" && p.Second == "short");
        if (shortJob && Environment.GetEnvironmentVariable(TransferParameters.RowsVariable) is null)
        {
            // The quick mode stays within minutes: the 10M-row cases run in the full suite only.
            Environment.SetEnvironmentVariable(TransferParameters.RowsVariable, "10000,1000000");
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
