using System.Diagnostics;
using System.Security.Cryptography;
using DataBridge.Internal;
using DataBridge.Servers;
using DataBridge.Tests.Workers;
using static DataBridge.Tests.Servers.ServerTestData;

namespace DataBridge.Tests.Servers;

/// <summary>
/// End to end with real Python: the driver code receives the data server's endpoints in its run header,
/// Dask tasks (or the driver itself) fetch partitions with <c>data_manager_client.fetch</c> and upload results
/// with <c>data_manager_client.send_result</c>, and <see cref="PythonBridge.RunDistributedAsync(IReadOnlyList{RecordBatch}, string, RunContext?, CancellationToken)"/>
/// assembles them. The Dask tests need <c>distributed</c> importable by the interpreter.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class DistributedEndToEndTests
{
    // The task every Dask worker runs: fetch the partition, transform it, upload the result. The transform
    // is what Expected() does in C#.
    private const string Task = """
        def process(endpoint, delay):
            import time
            import pandas as pd
            import data_manager_client
            frames = list(data_manager_client.fetch(endpoint))
            df = pd.concat(frames, ignore_index=True)
            time.sleep(delay)
            out = pd.DataFrame({"id": df["id"], "score": df["value"] * 2 + df["key"]})
            data_manager_client.send_result(endpoint, out)
            return endpoint.partition
        """;

    private static readonly Lazy<bool> DaskAvailable = new(() => Probe("import distributed, pandas"));

    /// <summary>Whether the interpreter imports Dask's <c>distributed</c> and pandas (probed once).</summary>
    internal static bool DaskImportable => DaskAvailable.Value;

    [Test]
    public async Task Dask_EightPartitionsOnTwoWorkers_AssembledOutputEqualsLocalTransform()
    {
        RequireDask();
        List<RecordBatch> partitions = Partitions(8, rows: 500);
        ArrowFrame input = ArrowFrame.FromArrow(partitions);
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));

        ArrowFrame output = await bridge.RunDistributedAsync(input, Driver(kill: false), new RunContext { Owner = "tests" });

        Assert.That(output.Partitions, Has.Count.EqualTo(8));
        AssertEqualsLocalTransform(output.Partitions, partitions);
    }

    [Test]
    public async Task Dask_WorkerKilledMidRun_StillCompletes_DuplicatesDropped()
    {
        RequireDask();
        List<RecordBatch> partitions = Partitions(8, rows: 500);
        var logger = new CapturingLogger();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.Logger = logger;
        await using var bridge = new PythonBridge(options);

        using DistributedRunResult result = await bridge.RunDistributedAsync(partitions, Driver(kill: true));

        AssertEqualsLocalTransform(result, partitions);
        long fetches = logger.Entries.Count(e => e.EventId.Id == 510);
        TestContext.Out.WriteLine($"partition fetches: {fetches}, duplicate uploads dropped: {result.DuplicateUploads}");
        Assert.That(fetches, Is.GreaterThan(8), "no partition was re-read");
        Assert.That(result.DuplicateUploads, Is.GreaterThanOrEqualTo(1), "the lost result was not recomputed and uploaded again");
        Assert.That(logger.Entries.Count(e => e.EventId.Id == 512), Is.EqualTo(result.DuplicateUploads));
    }

    [Test]
    public async Task RunDistributed_PartitionsWithoutUpload_ThrowsNamingThem()
    {
        RequireClient();
        List<RecordBatch> partitions = Partitions(8, rows: 10);
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        const string code = """
            import data_manager, data_manager_client
            for ep in data_manager.data_servers()[:6]:
                data_manager_client.send_result(ep, {"n": [ep.partition]})
            """;

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => bridge.RunDistributedAsync(partitions, code));

        Assert.That(ex!.Message, Does.Contain("2 of 8 partitions: 6, 7"));
    }

    [Test]
    public async Task RunDistributed_DriverFetchesAndUploadsItself_EndpointsArePicklable()
    {
        RequireClient();
        List<RecordBatch> partitions = Partitions(3, rows: 20);
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        const string code = """
            import pickle
            import data_manager, data_manager_client
            schema, rows = data_manager_client.fetch_schema(data_manager.data_servers()[0])
            assert rows == [20, 20, 20], rows
            assert [f.name for f in schema.fields][:2] == ["id", "value"], schema
            for ep in data_manager.data_servers():
                ep = pickle.loads(pickle.dumps(ep))
                batches = list(data_manager_client.fetch_batches(ep))
                ids = [v for b in batches for v in b.column(0).to_pylist()]
                assert data_manager_client.send_result(ep, {"id": ids[::-1]}) is True
                assert data_manager_client.send_result(ep, {"id": [-1]}) is False
            """;

        using DistributedRunResult result = await bridge.RunDistributedAsync(partitions, code);

        Assert.That(result.DuplicateUploads, Is.EqualTo(3));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(Ids(result.Partitions[i].Batches), Is.EqualTo(Ids([partitions[i]]).Reverse()));
        }
    }

    [Test]
    public async Task RunDistributed_OverCallersServer_AssemblesResultsAndLeavesServerOpen()
    {
        RequireClient();
        List<RecordBatch> partitions = Partitions(2, rows: 5);
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        ServerOptions options = Loopback();
        options.AdvertisedHost = "localhost";
        await using DataServer server = bridge.ServeData(partitions, options);
        const string code = """
            import data_manager, data_manager_client
            for ep in data_manager.data_servers():
                assert ep.host == "localhost", ep.host
                data_manager_client.send_result(ep, {"p": [ep.partition]})
            """;

        using DistributedRunResult result = await bridge.RunDistributedAsync(server, code);

        Assert.That(result.Partitions.Select(p => p.Rows), Is.EqualTo(new long[] { 1, 1 }));
        Assert.That(server.IsClosed, Is.False);
    }

    [Test]
    public async Task SendResult_Python_OverMaxUploadBytes_RaisesTheServersMessage_SmallerResultThenAccepted()
    {
        RequireClient();
        ServerOptions options = Loopback();
        options.MaxUploadBytes = 64 * 1024;
        await using DataServer server = DataServer.Start(Partitions(2, rows: 5), options);

        // 32 MB: far more than the socket buffers hold, so the refusal breaks the client's send mid-upload.
        string script = $$"""
            import sys
            import numpy as np
            import pandas as pd
            from data_manager_client import DataServerEndpoint, send_result
            from data_manager.exceptions import ProtocolError
            ep = DataServerEndpoint("127.0.0.1", {{server.Port}}, 1, "{{server.Token}}")
            try:
                send_result(ep, pd.DataFrame({"x": np.arange(4_000_000)}))
            except ProtocolError as e:
                print(e)
            else:
                sys.exit("the oversized upload was accepted")
            assert send_result(ep, {"x": [1, 2, 3]}) is True
            """;

        (int exitCode, string output) = await RunPythonAsync(script);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("the server refused the request: Upload refused: the upload of partition 1 passed the data server's limit of 65536 bytes per upload (ServerOptions.MaxUploadBytes)"));
        Assert.That(server.GetResult(1)!.Rows, Is.EqualTo(3));
        Assert.That(server.GetResult(0), Is.Null);
    }

    [Test]
    public async Task FetchModel_Python_NestedTreeWith50MBFile_ArrivesByteIdentical()
    {
        RequireClient();
        string source = Directory.CreateTempSubdirectory("databridge-model-src-").FullName;
        string target = Directory.CreateTempSubdirectory("databridge-model-dst-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(source, "a", "b"));
            File.WriteAllText(Path.Combine(source, "config.json"), "{}");
            File.WriteAllBytes(Path.Combine(source, "a", "b", "small.bin"), [1, 2, 3]);
            byte[] big = new byte[50 * 1024 * 1024];
            new Random(11).NextBytes(big);
            File.WriteAllBytes(Path.Combine(source, "a", "model.bin"), big);
            await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
            await using ModelServer model = bridge.ServeModel(source);
            RecordBatch one = DataBridge.Tests.Workers.Batches.Sample(1);
            string code = $$"""
                import data_manager, data_manager_client
                paths = data_manager.fetch_model({{PythonString(target)}})
                data_manager_client.send_result(data_manager.data_servers()[0], {"n": [len(paths)]})
                """;

            using DistributedRunResult result = await bridge.RunDistributedAsync(one.Schema, [[one]], code, null, model);

            foreach (string file in new[] { "config.json", "a/b/small.bin", "a/model.bin" })
            {
                Assert.That(SHA256.HashData(File.ReadAllBytes(Path.Combine(target, file))), Is.EqualTo(SHA256.HashData(File.ReadAllBytes(Path.Combine(source, file)))), file);
            }
        }
        finally
        {
            Directory.Delete(source, recursive: true);
            Directory.Delete(target, recursive: true);
        }
    }

    [Test]
    public async Task FetchModel_Python_CorruptedInTransit_RaisesNamingTheFileAndRemovesIt()
    {
        RequireClient();
        string source = Directory.CreateTempSubdirectory("databridge-model-src-").FullName;
        string target = Directory.CreateTempSubdirectory("databridge-model-dst-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(source, "a.txt"), "small");
            byte[] big = new byte[1024 * 1024];
            new Random(5).NextBytes(big);
            File.WriteAllBytes(Path.Combine(source, "big.bin"), big);
            await using ModelServer model = ModelServer.Start(source, Loopback());
            await using var proxy = new CorruptingProxy(model.Port, flipAt: 500_000);
            string script = $$"""
                import sys
                from data_manager_client import ModelServerEndpoint, fetch_model
                from data_manager.exceptions import ProtocolError
                try:
                    fetch_model(ModelServerEndpoint("127.0.0.1", {{proxy.Port}}, "{{model.Token}}"), {{PythonString(target)}})
                except ProtocolError as e:
                    print(e)
                    sys.exit(3)
                """;

            (int exitCode, string output) = await RunPythonAsync(script);

            Assert.That(exitCode, Is.EqualTo(3), output);
            Assert.That(output, Does.Contain("checksum mismatch for big.bin"));
            Assert.That(proxy.Flipped, Is.True);
            Assert.That(File.Exists(Path.Combine(target, "big.bin")), Is.False, "the corrupted file was kept");
        }
        finally
        {
            Directory.Delete(source, recursive: true);
            Directory.Delete(target, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunPythonAsync(string script)
    {
        var psi = new ProcessStartInfo(PythonEnvironment.Interpreter) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.Environment["PYTHONPATH"] = EmbeddedPackage.EnsureExtracted();
        using Process process = Process.Start(psi)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Driver(bool kill) => Task + $$"""

        import os, signal
        import data_manager
        from distributed import Client, LocalCluster, wait

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
        try:
            futures = client.map(process, data_manager.data_servers(), delay={{(kill ? "0.5" : "0")}}, pure=False)
            if {{(kill ? "True" : "False")}}:
                # Once a task has finished, SIGKILL the worker holding its result: its running task and the
                # results it holds are lost, so Dask re-runs them elsewhere. Those partitions are fetched again
                # and uploaded again; .NET keeps the first upload and drops the duplicates.
                finished = wait(futures, return_when="FIRST_COMPLETED").done
                holders = client.who_has(list(finished))
                address = next(a for f in finished for a in holders[f.key])
                victim = client.run(os.getpid)[address]
                print(f"killing dask worker pid {victim}")
                os.kill(victim, signal.SIGKILL)
            done = client.gather(futures)
        finally:
            client.close()
            cluster.close()
        data_manager.set_output({"partition": sorted(done)})
        """;

    private static void AssertEqualsLocalTransform(DistributedRunResult result, List<RecordBatch> partitions)
    {
        Assert.That(result.Partitions, Has.Count.EqualTo(partitions.Count));
        AssertEqualsLocalTransform(result.Batches, partitions);
    }

    private static void AssertEqualsLocalTransform(IReadOnlyList<RecordBatch> output, List<RecordBatch> partitions)
    {
        long[] ids = Ids(partitions);
        double[] expected = [.. ids.Select(id => (id * 1.5 * 2) + (id % 3))];
        double[] scores = [.. output.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((DoubleArray)b.Column("score")).GetValue(i) ?? double.NaN))];
        Assert.That(Ids(output), Is.EqualTo(ids), "rows missing, duplicated or out of partition order");
        Assert.That(scores, Is.EqualTo(expected));
    }

    private static string PythonString(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static void RequireClient()
    {
        PythonEnvironment.RequirePandas();
        if (!EmbeddedPackage.Contains("data_manager_client/__init__.py"))
        {
            Assert.Ignore("The embedded Python package lacks data_manager_client: the Python client side is not in this build.");
        }
    }

    private static void RequireDask()
    {
        RequireClient();
        if (!DaskAvailable.Value)
        {
            Assert.Ignore($"Dask 'distributed' is not importable by {PythonEnvironment.Interpreter} (Debian: python3-distributed).");
        }
    }

    private static bool Probe(string statement)
    {
        var psi = new ProcessStartInfo(PythonEnvironment.Interpreter) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(statement);
        try
        {
            using Process process = Process.Start(psi)!;
            bool exited = process.WaitForExit(60_000);
            return exited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
