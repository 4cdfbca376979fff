using Apache.Arrow.Ipc;
using DataBridge.Benchmarks.Peers;
using DataBridge.Benchmarks.Transfer;
using DataBridge.Tests.Workers;

namespace DataBridge.Tests.Benchmarks;

/// <summary>
/// The peer benchmark's smoke test (src/DataBridge.Benchmarks/Peers, compiled in here): each peer runs each
/// workload once on a small input (two batches) and must produce the output the transform gives in .NET.
/// The benchmark's figures compare only peers that compute the same thing; this holds them to it.
/// </summary>
[TestFixture]
public sealed class PeerBenchmarkTests
{
    private const int Rows = PeerInput.BatchRows + 100;

    private static IEnumerable<PeerWorkload> Workloads => Enum.GetValues<PeerWorkload>();

    [TestCaseSource(nameof(Workloads))]
    public async Task DataBridgePeers_ComputeTheExpectedResult(PeerWorkload workload)
    {
        PythonEnvironment.RequirePandas();
        PeerInput input = PeerInput.Create(workload, Rows);
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));

        using (RunResult result = await PeerCalls.Batches(bridge, input))
        {
            AssertExpected(input, PeerResult.FromBatches(result.Schema, result.Batches), "batches");
        }

        (string[] names, object[] columns) = await PeerCalls.ArrowFrameArrays(bridge, input);
        AssertExpected(input, PeerResult.FromColumns(names, columns), "ArrowFrame");
        AssertExpected(input, PeerResult.FromMda(await PeerCalls.Mda(bridge, input, input.ToMdaFrame())), "MDA frame");
    }

    [TestCaseSource(nameof(Workloads))]
    public void Pythonnet_ComputesTheExpectedResult(PeerWorkload workload)
    {
        PythonEnvironment.RequirePandas();
        if (PythonnetPeer.Unavailable() is { } reason)
        {
            Assert.Ignore(reason);
        }

        PeerInput input = PeerInput.Create(workload, Rows);
        using PythonnetPeer peer = PythonnetPeer.Start(input.Transform);
        (string[] names, object[] columns) = peer.Run(input);
        AssertExpected(input, PeerResult.FromColumns(names, columns), "pythonnet");
    }

    [TestCaseSource(nameof(Workloads))]
    public void NaiveArrowPipe_ComputesTheExpectedResult(PeerWorkload workload)
    {
        PythonEnvironment.RequirePandas();
        PeerInput input = PeerInput.Create(workload, Rows);
        using ArrowPipePeer peer = ArrowPipePeer.Start(input.Transform);
        for (int call = 0; call < 2; call++)
        {
            (Schema schema, List<RecordBatch> batches) = peer.RoundTrip(input.Schema, input.Batches);
            AssertExpected(input, PeerResult.FromBatches(schema, batches), $"naive pipe, call {call + 1}");
        }
    }

    [TestCaseSource(nameof(Workloads))]
    public void CsvPipe_ComputesTheExpectedResult(PeerWorkload workload)
    {
        PythonEnvironment.RequirePandas();
        PeerInput input = PeerInput.Create(workload, Rows);
        using PythonPeer csv = PythonPeer.StartCsvPipe(input.Transform);
        List<RecordBatch> batches = PeerCalls.Csv(csv, input);
        AssertExpected(input, PeerResult.FromBatches(batches.Count == 0 ? null : input.ExpectedSchema, batches), "CSV pipe");
    }

    [TestCaseSource(nameof(Workloads))]
    public void LoopbackSocket_ReturnsTheExpectedStream(PeerWorkload workload)
    {
        PeerInput input = PeerInput.Create(workload, Rows);
        byte[] reply = workload == PeerWorkload.Nothing ? [] : PeerCalls.IpcBytes(input.ExpectedSchema, input.Expected);
        using LoopbackEcho echo = LoopbackEcho.Start(reply);
        var received = new byte[reply.Length];
        Assert.That(echo.RoundTrip(workload == PeerWorkload.Nothing ? [] : PeerCalls.IpcBytes(input.Schema, input.Batches), received), Is.EqualTo(reply.Length));
        if (reply.Length > 0)
        {
            using var reader = new ArrowStreamReader(new MemoryStream(received));
            var batches = new List<RecordBatch>();
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                batches.Add(batch);
            }

            AssertExpected(input, PeerResult.FromBatches(reader.Schema, batches), "loopback socket");
        }
    }

    private static void AssertExpected(PeerInput input, PeerResult actual, string peer)
    {
        PeerResult expected = PeerResult.FromBatches(input.ExpectedSchema, input.Expected);
        Assert.That(actual.Names, Is.EqualTo(expected.Names), $"{peer}: columns");
        for (int c = 0; c < expected.Columns.Count; c++)
        {
            Assert.That(actual.Columns[c], Is.EqualTo(expected.Columns[c]), $"{peer}: column {expected.Names[c]}");
        }
    }
}
