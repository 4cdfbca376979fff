using System.Globalization;
using Apache.Arrow;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using DataBridge.Benchmarks.Transfer;
using DataBridge.Servers;
using DataBridge.Tests.Servers.MultiHost;

namespace DataBridge.Benchmarks.Distributed;

/// <summary>
/// <c>RunDistributedAsync</c> across hosts made of network namespaces on this machine (the tests'
/// <see cref="TestNetwork"/> and <see cref="DaskCluster"/>): 8 numeric partitions of 1M rows (id int64, value
/// float64, key int64; 24 MB each) served by the .NET data server on the driver host, each fetched by a Dask task
/// on a worker host, transformed with pandas and its result (id, score; 16 MB) uploaded back, all over veth links.
/// One cluster of three worker hosts; the benchmarks restrict the tasks to the first 1, 2 or 3 hosts, so the
/// ratio column is the scaling. Needs root, iproute2 and python3-distributed (the setup throws the reason).
/// </summary>
/// <remarks>
/// On a 2-core machine the bound is the cores, not the links: the .NET server (encode, send, receive, decode) and
/// every single-threaded Dask worker compete for two cores, so 3 hosts cannot be faster than 2 cores allow, and
/// a veth link is a memory copy. Monitoring strategy (one invocation per iteration; an operation is seconds), in
/// process: the network and cluster are built once per benchmark, and no boilerplate project has to be built.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(Columns))]
[BenchmarkCategory("Distributed", "MultiHost")]
public class MultiHostBenchmarks
{
    private const int PartitionCount = 8;
    private const int RowsPerPartition = 1_000_000;

    // Bytes of column values per operation: every partition fetched (3 × 8 bytes a row) and its result uploaded (2 × 8).
    private const double MegabytesPerOperation = PartitionCount * RowsPerPartition * (24.0 + 16.0) / 1e6;

    private const string Driver = """
        def transform(df):
            import pandas as pd
            return pd.DataFrame({"id": df["id"], "score": df["value"] * 2 + df["key"]})

        def process(endpoint):
            import pandas as pd
            import data_manager_client
            df = pd.concat(list(data_manager_client.fetch(endpoint)), ignore_index=True)
            data_manager_client.send_result(endpoint, transform(df))
            return endpoint.partition

        import data_manager
        from distributed import Client
        with Client(data_manager.conf["SCHEDULER"], timeout=60) as client:
            client.wait_for_workers(int(data_manager.conf["WORKERS"]), timeout=120)
            hosts = data_manager.conf["HOSTS"].split(",")
            workers = [a for a in client.scheduler_info()["workers"] if a.split("://")[1].rsplit(":", 1)[0] in hosts]
            assert len(workers) == len(hosts), (workers, hosts)
            client.gather(client.map(process, data_manager.data_servers(), workers=workers, pure=False))
        """;

    private TestNetwork? _network;
    private DaskCluster? _cluster;
    private PythonBridge? _bridge;
    private Schema? _schema;
    private List<IReadOnlyList<RecordBatch>> _partitions = [];

    /// <summary>Builds the hosts, starts the cluster and the bridge, makes the partitions, runs once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if ((TestNetwork.Unavailable() ?? DaskCluster.Unavailable()) is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        _network = TestNetwork.CreateAsync(workers: 3, CancellationToken.None).GetAwaiter().GetResult();
        _cluster = DaskCluster.StartAsync(_network, null, CancellationToken.None).GetAwaiter().GetResult();
        _bridge = TransferParameters.NewBridge(maxWorkers: 1);
        (_schema, _partitions) = MultiHostData.Partitions(PartitionCount, _ => RowsPerPartition, batches: 16);
        RunAsync(3).GetAwaiter().GetResult();
    }

    /// <summary>Stops the bridge and the cluster, removes the hosts.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _bridge?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _network?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        MultiHostData.Dispose(_partitions);
    }

    /// <summary>Every task on the first worker host.</summary>
    [Benchmark(Baseline = true)]
    public Task<long> OneWorkerHost() => RunAsync(1);

    /// <summary>The tasks spread over two worker hosts.</summary>
    [Benchmark]
    public Task<long> TwoWorkerHosts() => RunAsync(2);

    /// <summary>The tasks spread over three worker hosts.</summary>
    [Benchmark]
    public Task<long> ThreeWorkerHosts() => RunAsync(3);

    private async Task<long> RunAsync(int hosts)
    {
        var options = new ServerOptions { BindAddress = _network!.Driver.Address };
        DataServer server = _bridge!.ServeData(_schema!, _partitions, options);
        await using (server.ConfigureAwait(false))
        {
            var context = new RunContext
            {
                ["SCHEDULER"] = _cluster!.Address,
                ["WORKERS"] = _network.Workers.Count.ToString(CultureInfo.InvariantCulture),
                ["HOSTS"] = string.Join(',', _network.Workers.Take(hosts).Select(w => w.Address)),
            };
            using DistributedRunResult result = await _bridge.RunDistributedAsync(server, Driver, context).ConfigureAwait(false);
            return result.RowCount;
        }
    }

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddJob(Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(2)
                .WithIterationCount(10)
                .WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(
                new ThroughputColumn("Partitions/s", PartitionCount, "1M-row partitions fetched, transformed and uploaded per second (8 / mean)"),
                new ThroughputColumn("MB/s", MegabytesPerOperation, "column bytes moved per second, both ways (320 MB / mean)"));
        }
    }
}
