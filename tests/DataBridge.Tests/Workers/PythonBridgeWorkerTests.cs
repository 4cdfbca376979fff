using System.Diagnostics;

namespace DataBridge.Tests.Workers;

/// <summary>
/// Issue 4, acceptance 2, 3, 4 and 7 against real Python workers: context never stale, reuse bounded,
/// every fault followed by a good run, executor ordering and failures.
/// </summary>
[TestFixture]
[CancelAfter(180_000)]
public sealed class PythonBridgeWorkerTests
{
    private const string GoodCode = "data_manager.set_output(data_manager.fetch_once_as_batches())";
    private const string PidsCode = """
        import os
        data_manager.set_output({"pid": [os.getpid()], "ppid": [os.getppid()]})
        """;

    [Test]
    public async Task RunContext_TwoRunsOnOneReusedWorker_EachSeesItsOwnConfAndLogTags()
    {
        PythonEnvironment.RequireWorkers();
        var logger = new CapturingLogger();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.Logger = logger;
        await using var bridge = new PythonBridge(options);
        const string code = """
            import os
            group = data_manager.conf["GROUP_ID"]
            print("print from " + group)
            data_manager.log("log from " + group)
            data_manager.set_output({"group": [group], "owner": [data_manager.conf["OWNER"]], "pid": [os.getpid()], "extra": [data_manager.conf.get("region", "-")]})
            """;

        using RunResult first = await bridge.RunAsync([Batches.Sample(3)], code, new RunContext { GroupId = "g-1", Owner = "alice", ["region"] = "eu" });
        using RunResult second = await bridge.RunAsync([Batches.Sample(3)], code, new RunContext { GroupId = "g-2", Owner = "bob" });

        Assert.That(Batches.Int64s(second, "pid"), Is.EqualTo(Batches.Int64s(first, "pid")), "one reused worker");
        Assert.That(Batches.Strings(first, "group"), Is.EqualTo(new[] { "g-1" }));
        Assert.That(Batches.Strings(second, "group"), Is.EqualTo(new[] { "g-2" }));
        Assert.That(Batches.Strings(second, "owner"), Is.EqualTo(new[] { "bob" }));
        Assert.That(Batches.Strings(second, "extra"), Is.EqualTo(new[] { "-" }), "user keys of the first run do not leak");
        var python = logger.Entries.Where(e => e.EventId.Id == 400).ToList();
        Assert.That(python, Has.Count.EqualTo(4));
        foreach (CapturingLogger.Entry entry in python)
        {
            string group = entry.Message.Contains("g-1", StringComparison.Ordinal) ? "g-1" : "g-2";
            Assert.That(entry.State["GroupId"], Is.EqualTo(group), entry.Message);
            Assert.That(entry.State["Owner"], Is.EqualTo(group == "g-1" ? "alice" : "bob"), entry.Message);
            Assert.That(entry.Scope["GroupId"], Is.EqualTo(group), entry.Message);
        }

        Assert.That(python.Select(e => e.Message), Has.Some.Contains("python stdout: print from g-2"));
        Assert.That(python.Select(e => e.Message), Has.Some.Contains("python log: log from g-1"));
    }

    [Test]
    public async Task Reuse_TwoHundredSequentialRuns_UseAtMostMaxWorkersAndOneDaemon()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 2));
        var pids = new HashSet<long>();
        var daemons = new HashSet<long>();
        const string readsInput = """
            import os
            n = sum(b.num_rows for b in data_manager.fetch_once_as_batches())
            data_manager.set_output({"pid": [os.getpid()], "ppid": [os.getppid()], "n": [n]})
            """;

        for (int i = 0; i < 200; i++)
        {
            // Every other run never touches its input: the worker drains it and stays reusable.
            using RunResult result = await bridge.RunAsync([Batches.Sample(100)], i % 2 == 0 ? readsInput : PidsCode);
            pids.UnionWith(Batches.Int64s(result, "pid"));
            daemons.UnionWith(Batches.Int64s(result, "ppid"));
            Assert.That(result.WorkerProcessId, Is.EqualTo(Batches.Int64s(result, "pid")[0]));
        }

        Assert.That(pids, Has.Count.LessThanOrEqualTo(2));
        Assert.That(daemons, Has.Count.EqualTo(1));
        Assert.That(bridge.Pool.HostStarts, Is.EqualTo(1));
    }

    [Test]
    public async Task Reuse_ConcurrentRuns_NeverExceedMaxWorkers()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 2));

        RunResult[] results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => bridge.RunAsync([Batches.Sample(5)], "import time\ntime.sleep(0.05)\n" + PidsCode)));

        Assert.That(results.Select(r => r.WorkerProcessId).Distinct().Count(), Is.LessThanOrEqualTo(2));
        foreach (RunResult result in results)
        {
            result.Dispose();
        }
    }

    [Test]
    public async Task Reuse_IdleWorkerPastItsTimeout_IsClosedAndReplaced()
    {
        PythonEnvironment.RequireWorkers();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.WorkerIdleTimeout = TimeSpan.FromMilliseconds(300);
        await using var bridge = new PythonBridge(options);
        using RunResult first = await bridge.RunAsync([Batches.Sample(3)], PidsCode);

        // The sweeper removes it on its own; how soon depends on the machine's load, so wait (bounded) for it.
        for (int i = 0; i < 600 && bridge.Pool.IdleCount > 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.That(bridge.Pool.IdleCount, Is.Zero, "the expired worker left the idle list on its own");
        using RunResult second = await bridge.RunAsync([Batches.Sample(3)], PidsCode);
        Assert.That(second.WorkerProcessId, Is.Not.EqualTo(first.WorkerProcessId));
    }

    [Test]
    public async Task Reuse_Disabled_EveryRunGetsAFreshWorker()
    {
        PythonEnvironment.RequireWorkers();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.ReuseWorkers = false;
        await using var bridge = new PythonBridge(options);

        using RunResult first = await bridge.RunAsync([Batches.Sample(3)], PidsCode);
        using RunResult second = await bridge.RunAsync([Batches.Sample(3)], PidsCode);

        Assert.That(second.WorkerProcessId, Is.Not.EqualTo(first.WorkerProcessId));
        Assert.That(bridge.Pool.IdleCount, Is.Zero);
    }

    [Test]
    public async Task Dispose_StopsTheDaemonAndItsWorkers()
    {
        PythonEnvironment.RequireWorkers();
        var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        using RunResult result = await bridge.RunAsync([Batches.Sample(3)], PidsCode);
        int daemon = (int)Batches.Int64s(result, "ppid")[0];

        await bridge.DisposeAsync();

        Assert.That(ProcessIsGone(daemon), Is.True, "the daemon exits when its stdin closes");
        Assert.That(ProcessIsGone(result.WorkerProcessId), Is.True);
        Assert.ThrowsAsync<ObjectDisposedException>(() => bridge.RunAsync([Batches.Sample(3)], PidsCode));
    }

    [Test]
    public async Task Fault_PythonException_CarriesTypeMessageTracebackAndWorkerIsReused()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        using RunResult before = await bridge.RunAsync([Batches.Sample(3)], PidsCode);

        var ex = Assert.ThrowsAsync<PythonWorkerException>(() => bridge.RunAsync([Batches.Sample(3)], "def f():\n    raise ValueError('boom 42')\nf()\n"));

        Assert.That(ex!.PythonType, Is.EqualTo("ValueError"));
        Assert.That(ex.PythonMessage, Is.EqualTo("boom 42"));
        Assert.That(ex.PythonTraceback, Does.Contain("in f").And.Contain("ValueError: boom 42"));
        using RunResult after = await bridge.RunAsync([Batches.Sample(3)], PidsCode);
        Assert.That(after.WorkerProcessId, Is.EqualTo(before.WorkerProcessId), "a clean Python error keeps the worker");
    }

    [Test]
    public async Task Fault_SyntaxError_IsAPythonWorkerExceptionAndTheSameCodeIsResentAfterwards()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));

        var first = Assert.ThrowsAsync<PythonWorkerException>(() => bridge.RunAsync([Batches.Sample(3)], "def broken(:\n"));
        var again = Assert.ThrowsAsync<PythonWorkerException>(() => bridge.RunAsync([Batches.Sample(3)], "def broken(:\n"));

        Assert.That(first!.PythonType, Is.EqualTo("SyntaxError"));
        Assert.That(again!.PythonType, Is.EqualTo("SyntaxError"));
        await AssertGoodRunAsync(bridge);
    }

    [TestCase("import sys\nsys.exit(3)", 3, null, TestName = "Fault_SysExit3_WorkerCrashedWithExitCode3")]
    [TestCase("import os\nfor df in data_manager.fetch_once_as_batches():\n    os._exit(0)", 0, null, TestName = "Fault_OsExit0MidStream_WorkerCrashedWithExitCode0")]
    [TestCase("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", null, 9, TestName = "Fault_SigKillSelf_WorkerCrashedWithSignal9")]
    [TestCase("import ctypes\nctypes.string_at(0)", null, 11, TestName = "Fault_Segfault_WorkerCrashedWithSignal11AndStack")]
    public async Task Fault_WorkerDies_ThrowsWorkerCrashedExceptionThenNextRunWorks(string code, int? exitCode, int? signal)
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        await AssertGoodRunAsync(bridge);

        var ex = Assert.ThrowsAsync<WorkerCrashedException>(() => bridge.RunAsync([Batches.Sample(1000), Batches.Sample(1000)], code));

        Assert.That(ex!.ExitCode, Is.EqualTo(exitCode), ex.Message);
        Assert.That(ex.Signal, Is.EqualTo(signal), ex.Message);
        Assert.That(ex.IsTransient, Is.True);
        if (signal == 11)
        {
            Assert.That(ex.StderrTail, Does.Contain("Segmentation fault"));
            Assert.That(ex.StderrTail, Does.Contain("string_at"), "faulthandler's Python stack");
        }

        await AssertGoodRunAsync(bridge);
    }

    [Test]
    public async Task Fault_ExceedingMemoryLimit_FailsCleanlyThenNextRunWorks()
    {
        PythonEnvironment.RequireWorkers();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.WorkerMemoryLimitMb = 3072;
        await using var bridge = new PythonBridge(options);
        await AssertGoodRunAsync(bridge);

        var ex = Assert.CatchAsync<DataBridgeException>(() => bridge.RunAsync([Batches.Sample(10)], "block = bytearray(8 * 1024 ** 3)\ndata_manager.set_output({'n': [len(block)]})"));

        Assert.That(ex, Is.InstanceOf<PythonWorkerException>().Or.InstanceOf<WorkerCrashedException>());
        TestContext.Out.WriteLine($"over the limit: {ex!.GetType().Name}: {ex.Message}");
        if (ex is PythonWorkerException python)
        {
            Assert.That(python.PythonType, Is.EqualTo("MemoryError"));
        }

        await AssertGoodRunAsync(bridge);
    }

    [Test]
    public async Task Fault_InfiniteLoopCancelled_EndsPromptlyThenNextRunWorks()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        await AssertGoodRunAsync(bridge);
        using var cancel = new CancellationTokenSource();
        Task<RunResult> run = bridge.RunAsync([Batches.Sample(10)], "while True:\n    pass\n", cancellationToken: cancel.Token);
        await Task.Delay(500);

        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(() => run);

        // The loop never ends by itself, so any bound proves the cancel ended it; 10 s leaves room for a loaded
        // machine (it takes well under 0.1 s on an idle one).
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        await AssertGoodRunAsync(bridge);
    }

    [Test]
    public async Task Fault_WorkerStopsReadingLargeInput_WriterDoesNotDeadlock()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        RecordBatch[] input = [.. Enumerable.Range(0, 40).Select(i => Batches.Sample(20_000, i * 20_000))];

        // Reads one batch, writes a large output, never reads the rest: the host must keep reading the output
        // while it writes (about 30 MB of) input, and the worker drains what it left.
        using RunResult result = await bridge.RunAsync(
            input,
            """
            first = next(iter(data_manager.fetch_once_as_batches()))
            data_manager.set_output({"x": list(range(300000)), "first": [first.num_rows] * 300000})
            """).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(result.RowCount, Is.EqualTo(300_000));
        await AssertGoodRunAsync(bridge);
    }

    [Test]
    public async Task Fault_DaemonKilledBetweenRuns_IsRestartedTransparently()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        using RunResult before = await bridge.RunAsync([Batches.Sample(3)], PidsCode);
        int daemonPid = (int)Batches.Int64s(before, "ppid")[0];

        using (Process daemon = Process.GetProcessById(daemonPid))
        {
            daemon.Kill();
            await daemon.WaitForExitAsync();
        }

        using RunResult after = await bridge.RunAsync([Batches.Sample(3)], PidsCode);

        Assert.That(Batches.Int64s(after, "ppid")[0], Is.Not.EqualTo(daemonPid));
        Assert.That(bridge.Pool.HostStarts, Is.EqualTo(2));
    }

    [Test]
    public async Task Fault_InputEnumerationThrows_CallerSeesItsOwnExceptionThenNextRunWorks()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));

        static IEnumerable<RecordBatch> Failing()
        {
            yield return Batches.Sample(10);
            throw new InvalidOperationException("source broke");
        }

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => bridge.RunAsync(Failing(), GoodCode));

        Assert.That(ex!.Message, Is.EqualTo("source broke"));
        await AssertGoodRunAsync(bridge);
    }

    [Test]
    public async Task Executor_EightPartitionsParallelismTwo_ResultsInPartitionOrder()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 2));
        IEnumerable<RecordBatch>[] partitions = [.. Enumerable.Range(0, 8).Select(p => (IEnumerable<RecordBatch>)[Batches.Sample(10 + p, start: p * 100)])];

        IReadOnlyList<RunResult> results = await bridge.MapPartitionsAsync(
            partitions,
            """
            import os, random, time
            time.sleep(random.random() * 0.05)
            ids = [i for b in data_manager.fetch_once_as_batches() for i in b.column("id").to_pylist()]
            data_manager.set_output({"first": [ids[0]], "count": [len(ids)], "pid": [os.getpid()]})
            """,
            parallelism: 2);

        Assert.That(results.Select(r => r.Partition), Is.EqualTo(Enumerable.Range(0, 8)));
        Assert.That(results.Select(r => Batches.Int64s(r, "first")[0]), Is.EqualTo(Enumerable.Range(0, 8).Select(p => (long)p * 100)));
        Assert.That(results.Select(r => Batches.Int64s(r, "count")[0]), Is.EqualTo(Enumerable.Range(0, 8).Select(p => 10L + p)));
        Assert.That(results.Select(r => r.WorkerProcessId).Distinct().Count(), Is.LessThanOrEqualTo(2));
        foreach (RunResult result in results)
        {
            result.Dispose();
        }
    }

    [Test]
    public async Task Executor_FailingPartition_ThrowsWithItsIndexAndKeepsTheOtherResults()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 2));
        IEnumerable<RecordBatch>[] partitions = [.. Enumerable.Range(0, 8).Select(p => (IEnumerable<RecordBatch>)[Batches.Sample(5, start: p * 100)])];

        var ex = Assert.ThrowsAsync<PartitionFailedException>(() => bridge.MapPartitionsAsync(
            partitions,
            """
            ids = [i for b in data_manager.fetch_once_as_batches() for i in b.column("id").to_pylist()]
            if ids[0] == 500:
                raise RuntimeError("partition five fails")
            data_manager.set_output({"first": [ids[0]]})
            """,
            parallelism: 2));

        Assert.That(ex!.Partition, Is.EqualTo(5));
        Assert.That(ex.InnerException, Is.InstanceOf<PythonWorkerException>().With.Property("PythonMessage").EqualTo("partition five fails"));
        Assert.That(ex.Message, Does.Contain("Partition 5"));
        Assert.That(ex.CompletedResults, Has.Count.EqualTo(8));
        Assert.That(ex.CompletedResults[5], Is.Null);
        for (int p = 0; p < 8; p++)
        {
            if (p != 5)
            {
                Assert.That(Batches.Int64s(ex.CompletedResults[p]!, "first")[0], Is.EqualTo(p * 100L), $"partition {p}");
            }
        }
    }

    [Test]
    public async Task DaemonThatNeverReports_FailsAtStartTimeout_NamingTheOption()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("needs a POSIX shell script as the interpreter");
        }

        // An "interpreter" that starts and never calls back: the start ends at StartTimeout, not ConnectTimeout.
        string script = Path.Combine(Path.GetTempPath(), $"databridge-silent-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\nexec sleep 120\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            await using var bridge = new PythonBridge(new PythonBridgeOptions
            {
                PythonExecutable = script,
                StartTimeout = TimeSpan.FromSeconds(1),
                ConnectTimeout = TimeSpan.FromMinutes(10),
            });

            var error = Assert.ThrowsAsync<DataBridgeException>(async () => await bridge.WarmUpAsync());
            Assert.That(error!.Message, Does.Contain("did not report its port within 1 s (StartTimeout"));
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Test]
    public void Options_Invalid_ThrowArgumentExceptionNamingTheSetting()
    {
        Assert.That(() => new PythonBridge(new PythonBridgeOptions { MaxWorkers = 0 }), Throws.ArgumentException.With.Property("ParamName").EqualTo("MaxWorkers"));
        Assert.That(() => new PythonBridge(new PythonBridgeOptions { BufferSize = 10 }), Throws.ArgumentException.With.Property("ParamName").EqualTo("BufferSize"));
        Assert.That(() => new PythonBridge(new PythonBridgeOptions { WorkerMemoryLimitMb = -1 }), Throws.ArgumentException.With.Property("ParamName").EqualTo("WorkerMemoryLimitMb"));
        Assert.That(() => new PythonBridge(new PythonBridgeOptions { ConnectTimeout = TimeSpan.Zero }), Throws.ArgumentException.With.Property("ParamName").EqualTo("ConnectTimeout"));
        Assert.That(() => new PythonBridge(new PythonBridgeOptions { StartTimeout = TimeSpan.Zero }), Throws.ArgumentException.With.Property("ParamName").EqualTo("StartTimeout"));
        Assert.That(() => new PythonBridge(new PythonBridgeOptions { MaxBatchBytes = 3L << 30 }), Throws.ArgumentException.With.Property("ParamName").EqualTo("MaxBatchBytes"));
        Assert.That(() => new PythonBridge(new PythonBridgeOptions { PythonExecutable = " " }), Throws.ArgumentException.With.Property("ParamName").EqualTo("PythonExecutable"));
    }

    [Test]
    public async Task Run_EmptyOrNullCode_ThrowsArgumentException()
    {
        await using var bridge = new PythonBridge(new PythonBridgeOptions { PythonExecutable = "/nonexistent/python3" });

        Assert.ThrowsAsync<ArgumentException>(() => bridge.RunAsync([Batches.Sample(1)], "  "));
        Assert.ThrowsAsync<ArgumentNullException>(() => bridge.RunAsync([Batches.Sample(1)], null!));
        Assert.Throws<ArgumentException>(() => bridge.RunStreamingAsync([Batches.Sample(1)], string.Empty));
    }

    [Test]
    public async Task Start_MissingInterpreter_ThrowsDataBridgeExceptionNamingIt()
    {
        await using var bridge = new PythonBridge(new PythonBridgeOptions { PythonExecutable = "/nonexistent/python3" });

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => bridge.RunAsync([Batches.Sample(1)], GoodCode));

        Assert.That(ex!.Message, Does.Contain("/nonexistent/python3"));
    }

    [Test]
    public async Task Start_InterpreterThatCannotImportTheDaemon_FailsFastWithItsStderr()
    {
        PythonEnvironment.RequireWorkers();
        PythonBridgeOptions options = PythonEnvironment.Options();
        options.Environment["PYTHONPATH"] = "/nonexistent";
        options.Environment["PYTHONSTARTUP"] = string.Empty;
        options.Environment["PYTHONNOUSERSITE"] = "1";
        options.Environment["PYTHONSAFEPATH"] = "1";
        options.Environment["PYTHONHOME"] = "/nonexistent-home";
        await using var bridge = new PythonBridge(options);
        var clock = Stopwatch.StartNew();

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => bridge.RunAsync([Batches.Sample(1)], GoodCode));

        Assert.That(ex!.Message, Does.Contain("failed to start").And.Contain("daemon stderr"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
    }

    // Bounded at 30 s: a process that is not gone by then is a leak, not a slow machine.
    private static bool ProcessIsGone(int pid)
    {
        for (int i = 0; i < 600; i++)
        {
            try
            {
                using Process process = Process.GetProcessById(pid);
                if (process.HasExited)
                {
                    return true;
                }
            }
            catch (ArgumentException)
            {
                return true;
            }

            if (File.Exists($"/proc/{pid}/stat") && File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal))
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return false;
    }

    private static async Task AssertGoodRunAsync(PythonBridge bridge)
    {
        using RunResult good = await bridge.RunAsync([Batches.Sample(7)], GoodCode);
        Assert.That(good.RowCount, Is.EqualTo(7), "the run after a fault works");
    }
}
