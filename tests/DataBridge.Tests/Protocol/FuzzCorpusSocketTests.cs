using System.Text;
using DataBridge.Ipc;
using DataBridge.Protocol;
using DataBridge.Servers;
using DataBridge.Tests.Ipc;
using DataBridge.Tests.Servers;
using DataBridge.Workers;
using static DataBridge.Tests.Servers.ServerTestData;

namespace DataBridge.Tests.Protocol;

/// <summary>
/// Every file of the hostile-stream corpus (../shared/arrow-interop/fuzz) fed to the two sockets the SDK reads
/// Arrow from: the data server's upload path (what a Dask task sends back) and a worker's output (what Python
/// writes). Each ends in success or a clean error, never another exception type, and the socket's owner keeps
/// working afterwards (issue 12, acceptance "Fuzz").
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class FuzzCorpusSocketTests
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(20);

    public static IEnumerable<TestCaseData> FuzzFiles() => FuzzCorpusTests.FuzzFiles();

    [TestCaseSource(nameof(FuzzFiles))]
    public async Task UploadFuzzFile_ToTheDataServer_ErrorFrameOrStored_ServerStillServes(string path)
    {
        if (path.Length == 0)
        {
            Assert.Ignore("../shared/arrow-interop/fuzz is absent.");
        }

        byte[] bytes = await File.ReadAllBytesAsync(path);
        List<RecordBatch> partitions = Partitions(2);
        await using DataServer server = DataServer.Start(partitions, Loopback());
        try
        {
            await using (ServerTestClient hostile = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang))
            {
                await hostile.SendRequestAsync("{\"op\": \"upload\", \"partition\": 1}");
                await hostile.Writer.WriteDataAsync(bytes, default);
                await hostile.Writer.WriteTrailerAsync(new Trailer(0, 0), default);
                await hostile.Writer.WriteControlAsync(FrameCode.EndOfData, default);
                await hostile.Writer.FlushAsync(default);
                try
                {
                    await hostile.ReadResponseAsync().WaitAsync(NoHang);
                    TestContext.Out.WriteLine("stored");
                }
                catch (Exception e) when (e is DataBridgeException or IOException)
                {
                    TestContext.Out.WriteLine($"refused: {e.GetType().Name}: {e.Message}");
                }
            }

            await using ServerTestClient good = await ServerTestClient.ConnectAsync(server.Port, server.Token).WaitAsync(NoHang);
            var (_, _, batches) = await good.FetchAsync(0).WaitAsync(NoHang);
            Assert.That(Ids(batches), Is.EqualTo(Ids([partitions[0]])), "the server stopped serving after the hostile upload");
        }
        finally
        {
            DisposeAll(partitions);
        }
    }

    [TestCaseSource(nameof(FuzzFiles))]
    public async Task WorkerOutputFuzzFile_ReadAsTheBridgeReadsIt_EndsInBatchesOrArrowFormatException_WorkerReusable(string path)
    {
        if (path.Length == 0)
        {
            Assert.Ignore("../shared/arrow-interop/fuzz is absent.");
        }

        byte[] bytes = await File.ReadAllBytesAsync(path);
        await using var fake = new FakeWorker(async s =>
        {
            await s.AcceptHandshakeAsync();
            await s.ReadRunAsync();
            await s.WriteDataAsync(bytes);
            await s.WriteCleanEndAsync(0, 0);
            await s.ServeBetweenRunsAsync();
        });
        await using WorkerConnection connection = await fake.ConnectAsync().WaitAsync(NoHang);
        var header = new RunHeader(Guid.NewGuid().ToString("N"), 0, Internal.CodeHash.Compute("pass", out _), "pass", new Dictionary<string, string>(), 100, 1 << 20, "UTC");
        WorkerRun run = await connection.StartRunAsync(
            header,
            async (stream, ct) =>
            {
                await stream.FlushAsync(ct);
                return new Trailer(0, 0);
            },
            _ => { },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            CancellationToken.None).WaitAsync(NoHang);
        string outcome;
        await using (run)
        {
            try
            {
                // The bridge reads a worker's output with ArrowIpcReader over the run's output stream.
                using var reader = new ArrowIpcReader(run.Output, leaveOpen: true);
                int batches = 0;
                while (await reader.ReadNextRecordBatchAsync().AsTask().WaitAsync(NoHang) is { } batch)
                {
                    batches++;
                    batch.Dispose();
                }

                outcome = $"{batches} batches";
            }
            catch (ArrowFormatException e)
            {
                outcome = $"{e.GetType().Name}: {e.Message}";
            }

            // Drain what the reader left (a refused stream stops mid-data) so the run can end cleanly.
            byte[] rest = new byte[8192];
            while (await run.Output.ReadAsync(rest).AsTask().WaitAsync(NoHang) > 0)
            {
            }

            await run.CompleteAsync(0, 0).AsTask().WaitAsync(NoHang);
        }

        TestContext.Out.WriteLine(outcome);
        Assert.That(await connection.PingAsync(CancellationToken.None).WaitAsync(NoHang), Is.True, "the worker connection is not reusable after the hostile output");
    }
}
