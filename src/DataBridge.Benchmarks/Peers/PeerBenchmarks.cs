using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using DataBridge.Benchmarks.Transfer;
using MdaDataFrame = Microsoft.Data.Analysis.DataFrame;

namespace DataBridge.Benchmarks.Peers;

/// <summary>
/// Issue 15, item 6: the same workloads (<see cref="PeerWorkload"/>) through DataBridge and through what a user
/// could pick instead, in one run; ratios are to DataBridge over record batches. Every call starts from .NET
/// data (Apache.Arrow batches, or .NET arrays for the array peers) and ends with the whole result in .NET
/// memory, touched (<see cref="PeerResult.Touch(IReadOnlyList{RecordBatch})"/>). Processes, the interpreter
/// and the payloads are made once in the setup of each benchmark, which starts only what that peer needs;
/// what each peer does exactly is on its type (docs/performance.md, "Against the peers", sums it up).
/// <c>dotnet run -c Release --project src/DataBridge.Benchmarks -- --filter '*Peer*'</c> (the class sets its
/// own job: do not add <c>--job</c>).
/// </summary>
[Config(typeof(Configuration))]
[MemoryDiagnoser]
[MedianColumn]
[BenchmarkCategory("Peers")]
public class PeerBenchmarks
{
    private PeerInput _input = null!;
    private PythonBridge? _bridge;
    private PythonBridge? _socketBridge;
    private PythonBridge? _largeBridge;
    private MdaDataFrame? _mda;
    private PythonnetPeer? _pythonnet;
    private ArrowPipePeer? _pipe;
    private PythonPeer? _csv;
    private LoopbackEcho? _echo;
    private byte[] _request = [];
    private byte[] _reply = [];

    /// <summary>The workload.</summary>
    [ParamsAllValues]
    public PeerWorkload Workload { get; set; }

    [GlobalSetup(Targets = [nameof(DataBridgeBatches), nameof(DataBridgeArrowFrame)])]
    public void SetupBridge()
    {
        _input = PeerInput.Create(Workload);
        _bridge = TransferParameters.NewBridge();
        DataBridgeBatches().GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(DataBridgeSocket))]
    public void SetupSocketBridge()
    {
        _input = PeerInput.Create(Workload);
        _socketBridge = TransferParameters.NewBridge(sharedMemory: SharedMemoryMode.Off);
        DataBridgeSocket().GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(DataBridgeLargeRegions))]
    public void SetupLargeRegionBridge()
    {
        _input = PeerInput.Create(Workload);
        _largeBridge = TransferParameters.NewBridge(regionBytes: 1L << 30);
        DataBridgeLargeRegions().GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(DataBridgeMdaFrame))]
    public void SetupMda()
    {
        _input = PeerInput.Create(Workload);
        _mda = _input.ToMdaFrame();
        _bridge = TransferParameters.NewBridge();
        DataBridgeMdaFrame().GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(Pythonnet))]
    public void SetupPythonnet()
    {
        _input = PeerInput.Create(Workload);
        _pythonnet = PythonnetPeer.Start(_input.Transform);
        Pythonnet();
    }

    [GlobalSetup(Target = nameof(NaiveArrowPipe))]
    public void SetupPipe()
    {
        _input = PeerInput.Create(Workload);
        _pipe = ArrowPipePeer.Start(_input.Transform);
        NaiveArrowPipe();
    }

    [GlobalSetup(Target = nameof(CsvPipe))]
    public void SetupCsv()
    {
        _input = PeerInput.Create(Workload);
        _csv = PythonPeer.StartCsvPipe(_input.Transform);
        CsvPipe();
    }

    [GlobalSetup(Target = nameof(LoopbackSocket))]
    public void SetupSocket()
    {
        _input = PeerInput.Create(Workload);
        bool empty = _input.Transform is null;
        _request = empty ? [] : PeerCalls.IpcBytes(_input.Schema, _input.Batches);
        byte[] reply = empty ? [] : PeerCalls.IpcBytes(_input.ExpectedSchema, _input.Expected);
        _reply = new byte[reply.Length];
        _echo = LoopbackEcho.Start(reply);
        LoopbackSocket();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bridge?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _socketBridge?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _largeBridge?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _pythonnet?.Dispose();
        _pipe?.Dispose();
        _csv?.Dispose();
        _echo?.Dispose();
    }

    /// <summary>DataBridge, record batches in and out (<see cref="PythonBridge.RunAsync(IEnumerable{RecordBatch}, string, RunContext?, CancellationToken)"/>), with the default <see cref="SharedMemoryMode.Auto"/>: shared memory.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Peers")]
    public async Task<long> DataBridgeBatches()
    {
        using RunResult result = await PeerCalls.Batches(_bridge!, _input).ConfigureAwait(false);
        return PeerResult.Touch(result.Batches);
    }

    /// <summary>DataBridge over record batches with <see cref="SharedMemoryMode.Off"/>: every byte through the worker socket.</summary>
    [Benchmark]
    [BenchmarkCategory("Peers")]
    public async Task<long> DataBridgeSocket()
    {
        using RunResult result = await PeerCalls.Batches(_socketBridge!, _input).ConfigureAwait(false);
        return PeerResult.Touch(result.Batches);
    }

    /// <summary>DataBridge over record batches with 1 GiB regions (<see cref="PythonBridgeOptions.SharedMemoryRegionBytes"/>):
    /// a whole 320 MB input fits, at the price of the memory its pages take.</summary>
    [Benchmark]
    [BenchmarkCategory("Peers")]
    public async Task<long> DataBridgeLargeRegions()
    {
        using RunResult result = await PeerCalls.Batches(_largeBridge!, _input).ConfigureAwait(false);
        return PeerResult.Touch(result.Batches);
    }

    /// <summary>DataBridge through <see cref="ArrowFrame"/>: .NET arrays in, .NET arrays out.</summary>
    [Benchmark]
    [BenchmarkCategory("Peers")]
    public async Task<long> DataBridgeArrowFrame()
    {
        (_, object[] columns) = await PeerCalls.ArrowFrameArrays(_bridge!, _input).ConfigureAwait(false);
        return PeerResult.Touch(columns);
    }

    /// <summary>DataBridge through a Microsoft.Data.Analysis frame, frame in, frame out.</summary>
    [Benchmark]
    [BenchmarkCategory("Peers")]
    public async Task<long> DataBridgeMdaFrame()
    {
        MdaDataFrame result = await PeerCalls.Mda(_bridge!, _input, _mda!).ConfigureAwait(false);
        return PeerResult.Touch(result);
    }

    /// <summary>pythonnet 3.2.1 in process (<see cref="PythonnetPeer"/>).</summary>
    [Benchmark]
    [BenchmarkCategory("Peers")]
    public long Pythonnet() => PeerResult.Touch(_pythonnet!.Run(_input).Columns);

    /// <summary>Apache.Arrow's stream writer → a python3 child's stdin → our codec → pandas → stdout → Apache.Arrow's reader (<see cref="ArrowPipePeer"/>).</summary>
    [Benchmark]
    [BenchmarkCategory("Peers")]
    public long NaiveArrowPipe()
    {
        (_, List<RecordBatch> batches) = _pipe!.RoundTrip(_input.Schema, _input.Batches);
        long touched = PeerResult.Touch(batches);
        foreach (RecordBatch batch in batches)
        {
            batch.Dispose();
        }

        return touched;
    }

    /// <summary>CSV to a python3 child's stdin, pandas <c>read_csv</c>, the transform, <c>to_csv</c>, parsed back into batches.</summary>
    [Benchmark]
    [BenchmarkCategory("Peers")]
    public long CsvPipe() => PeerResult.Touch(PeerCalls.Csv(_csv!, _input));

    /// <summary>The same IPC bytes both ways over loopback TCP, no Python (<see cref="LoopbackEcho"/>): the lower bound.</summary>
    [Benchmark]
    [BenchmarkCategory("Peers")]
    public int LoopbackSocket() => _echo!.RoundTrip(_request, _reply);

    /// <summary>
    /// One launch, one warm-up and seven measured iterations (medians of 7, as the table): the CSV pipe
    /// at 10M rows takes tens of seconds a call, so the default job would take hours.
    /// </summary>
    private sealed class Configuration : ManualConfig
    {
        public Configuration()
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(7).WithId("Peers"));
        }
    }
}
