// QuickStart: load orders from CSV, enrich them in Python (pandas when available), aggregate per customer
// in executor mode, and print both results. Usage: dotnet run --project samples/QuickStart [orders.csv]
using DataBridge;
using Microsoft.Extensions.Logging.Abstractions;

string input = args.Length > 0 ? args[0] : Path.Combine(FindRepositoryRoot(), "samples", "data", "orders.csv");

await using var bridge = new PythonBridge(new PythonBridgeOptions
{
    Environment = { ["OMP_NUM_THREADS"] = "1" },
    Logger = NullLogger.Instance,
});

ArrowFrame orders = ArrowFrame.LoadCsv(input);
Console.WriteLine($"Loaded {orders.RowCount} orders from {input}");

// Driver mode: the whole frame flows through one worker.
ArrowFrame enriched = await bridge.RunAsync(orders, """
    rows = []
    for row in data_manager.fetch_once_as_rows():
        row["total"] = round(row["qty"] * row["price"], 2)
        rows.append(row)
    data_manager.build_result(rows)
    """, new RunContext { Owner = "quickstart", GroupId = "demo-1" });
Console.WriteLine(enriched.Head(5));

// Executor mode: each partition in its own worker, two at once; results in partition order.
ArrowFrame perPartition = await bridge.MapPartitionsAsync(enriched.Repartition(4), """
    totals = {}
    for row in data_manager.fetch_once_as_rows():
        key = row["customer"] or "(none)"
        totals[key] = totals.get(key, 0.0) + row["total"]
    data_manager.set_output({"customer": list(totals), "total": [round(v, 2) for v in totals.values()]})
    """, parallelism: 2);
Console.WriteLine($"{perPartition.RowCount} (partition, customer) totals from {perPartition.Partitions.Count} partitions");
Console.WriteLine(perPartition.Head(8));

static string FindRepositoryRoot()
{
    for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
    {
        if (File.Exists(Path.Combine(d.FullName, "DataBridge.sln")))
        {
            return d.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
