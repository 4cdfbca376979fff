using System.Globalization;

namespace DataBridge.Benchmarks.Transfer;

/// <summary>Row counts and shared settings of the transfer suite.</summary>
internal static class TransferParameters
{
    /// <summary>Environment variable overriding the row counts, e.g. <c>10000,1000000</c>.</summary>
    public const string RowsVariable = "DATABRIDGE_BENCH_ROWS";

    /// <summary>The row counts: 10K, 1M and 10M unless <see cref="RowsVariable"/> says otherwise.</summary>
    public static IEnumerable<int> Rows =>
        Environment.GetEnvironmentVariable(RowsVariable) is { Length: > 0 } text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            : [10_000, 1_000_000, 10_000_000];

    public static PythonBridge NewBridge(int maxWorkers = 2, SharedMemoryMode sharedMemory = SharedMemoryMode.Auto, long? regionBytes = null) => new(new PythonBridgeOptions
    {
        PythonExecutable = PythonPeer.Python,
        MaxWorkers = maxWorkers,
        SharedMemory = sharedMemory,
        SharedMemoryRegionBytes = regionBytes ?? new PythonBridgeOptions().SharedMemoryRegionBytes,
        Environment = { ["OMP_NUM_THREADS"] = "1", ["OPENBLAS_NUM_THREADS"] = "1" },
    });
}
