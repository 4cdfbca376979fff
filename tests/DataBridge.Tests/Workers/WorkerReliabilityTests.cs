using System.Globalization;
using DataBridge.Protocol;

namespace DataBridge.Tests.Workers;

/// <summary>
/// Issue 13 against real Python workers: a reused worker keeps no memory of earlier runs (item 1), errors of
/// user code are never the worker's protocol failure and crashes are classified the same way every time
/// (item 2), and no amount of printed or raised text fails a run (item 6).
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class WorkerReliabilityTests
{
    // The worker's pid and resident set size as the kernel counts it. Run as its own run, it measures the worker
    // after the previous run's release: the worker reads the next run only once that release is done.
    private const string RssProbe = """
        import os
        rss_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS:"))
        data_manager.set_output({"pid": [os.getpid()], "rss_kb": [rss_kb]})
        """;

    private const string GoodCode = "data_manager.set_output(data_manager.fetch_once_as_batches())";

    [TestCase("big = bytearray(400 * 1024 * 1024)\ndef helper():\n    return big\ndata_manager.set_output({'n': [len(big)]})", false, TestName = "Release_RunDefiningAFunctionOver400MB_WorkerRssBackToBaselineAfterEachRun")]
    [TestCase("big = [bytes(1000) for _ in range(400_000)]\ntry:\n    raise KeyError('kept')\nexcept KeyError as e:\n    saved = e\ndata_manager.set_output({'n': [len(big)]})", false, TestName = "Release_RunKeepingACaughtErrorOver400MB_WorkerRssBackToBaselineAfterEachRun")]
    [TestCase("big = bytearray(400 * 1024 * 1024)\ndef fail():\n    local = big\n    raise ValueError('after allocating')\nfail()", true, TestName = "Release_RunRaisingOver400MB_WorkerRssBackToBaselineAfterEachRun")]
    public async Task Release_ReusedWorker_RssReturnsToBaseline(string code, bool raises)
    {
        PythonEnvironment.RequireWorkers();
        if (!File.Exists("/proc/self/status"))
        {
            Assert.Ignore("No /proc/self/status on this system: the worker's RSS cannot be read.");
        }

        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        (long pid, long baseline) = await ProbeAsync(bridge);
        var after = new List<long>();
        for (int i = 0; i < 3; i++)
        {
            if (raises)
            {
                Assert.ThrowsAsync<PythonWorkerException>(() => bridge.RunAsync([Batches.Sample(3)], code));
            }
            else
            {
                using RunResult heavy = await bridge.RunAsync([Batches.Sample(3)], code);
                Assert.That(heavy.WorkerProcessId, Is.EqualTo(pid), "one reused worker");
            }

            (long samePid, long rss) = await ProbeAsync(bridge);
            Assert.That(samePid, Is.EqualTo(pid), "one reused worker");
            after.Add(rss);
        }

        string figures = string.Create(CultureInfo.InvariantCulture, $"baseline {baseline / 1024} MB, after runs 1-3: {string.Join(", ", after.Select(a => a / 1024))} MB");
        TestContext.Out.WriteLine(figures);
        Assert.That(after.Max() - baseline, Is.LessThan(50 * 1024), figures);
    }

    [Test]
    public async Task UserError_ProtocolErrorRaisedByUserCode_IsPythonWorkerExceptionAndWorkerIsReused()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        (long pid, _) = await ProbeAsync(bridge);

        var ex = Assert.ThrowsAsync<PythonWorkerException>(() => bridge.RunAsync([Batches.Sample(3)], "from data_manager import ProtocolError\nraise ProtocolError('the server refused the upload')"));

        Assert.That(ex!.PythonType, Is.EqualTo("ProtocolError"));
        Assert.That(ex.PythonMessage, Is.EqualTo("the server refused the upload"));
        Assert.That((await ProbeAsync(bridge)).Pid, Is.EqualTo(pid), "the worker stays usable");
    }

    // Each crash kind, many times: the classification must not depend on who wins a race (the worker's own end
    // or a kill), so exit code, signal and stderr tail are the same in every iteration.
    [TestCase("import os\nos.write(2, b'marker: about to _exit(3)\\n')\nos._exit(3)", 3, null, "marker: about to _exit(3)", TestName = "Crash_OsExit3_ClassifiedTheSameEveryTime")]
    [TestCase("import os, sys\nos.write(2, b'marker: about to sys.exit(4)\\n')\nsys.exit(4)", 4, null, "marker: about to sys.exit(4)", TestName = "Crash_SysExit4_ClassifiedTheSameEveryTime")]
    [TestCase("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)", null, 11, "Segmentation fault", TestName = "Crash_SigSegv_ClassifiedTheSameEveryTime")]
    [TestCase("import ctypes\nctypes.string_at(0)", null, 11, "string_at", TestName = "Crash_NullPointerRead_ClassifiedTheSameEveryTime")]
    [TestCase("import os, signal\nos.write(2, b'marker: about to SIGKILL myself\\n')\nos.kill(os.getpid(), signal.SIGKILL)", null, 9, "marker: about to SIGKILL myself", TestName = "Crash_SigKillSelf_ClassifiedTheSameEveryTime")]
    // A worker whose connection closes before its process ends (atexit work, a C extension's teardown, a big
    // stderr flush): simulated by shutting its socket down and exiting 0.3 s later. A host that kills as soon
    // as it sees the end of the connection reports signal 9; the report read first says exit code 5.
    [TestCase("""
        import gc, os, socket, time
        for s in [o for o in gc.get_objects() if isinstance(o, socket.socket)]:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # the daemon's listener, closed in the worker
        os.write(2, b'marker: connection closed, exiting slowly\n')
        time.sleep(0.3)
        os._exit(5)
        """, 5, null, "marker: connection closed, exiting slowly", TestName = "Crash_ExitShortlyAfterTheConnectionClosed_ClassifiedTheSameEveryTime")]
    public async Task Crash_RepeatedTwentyTimes_SameClassification(string code, int? exitCode, int? signal, string tailContains)
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        for (int i = 0; i < 20; i++)
        {
            var ex = Assert.ThrowsAsync<WorkerCrashedException>(() => bridge.RunAsync([Batches.Sample(1000), Batches.Sample(1000)], code));

            Assert.That(ex!.ExitCode, Is.EqualTo(exitCode), $"iteration {i}: {ex.Message}");
            Assert.That(ex.Signal, Is.EqualTo(signal), $"iteration {i}: {ex.Message}");
            Assert.That(ex.StderrTail, Does.Contain(tailContains), $"iteration {i}: {ex.Message}");
        }

        using RunResult good = await bridge.RunAsync([Batches.Sample(7)], GoodCode);
        Assert.That(good.RowCount, Is.EqualTo(7));
    }

    [Test]
    public async Task UserError_ExceptionAfterPartialOutput_RepeatedTwentyTimes_AlwaysPythonWorkerExceptionOnTheSameWorker()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        (long pid, _) = await ProbeAsync(bridge);
        const string code = """
            data_manager.set_output({"x": list(range(100_000))})
            raise RuntimeError("after writing output")
            """;

        for (int i = 0; i < 20; i++)
        {
            var ex = Assert.ThrowsAsync<PythonWorkerException>(() => bridge.RunAsync([Batches.Sample(1000)], code));

            Assert.That(ex!.PythonMessage, Is.EqualTo("after writing output"), $"iteration {i}");
        }

        Assert.That((await ProbeAsync(bridge)).Pid, Is.EqualTo(pid), "a Python error keeps the worker");
    }

    [Test]
    public async Task Bounded_EightyMegabytePrint_RunSucceedsAndTheLogRecordIsTruncatedWithAMarker()
    {
        PythonEnvironment.RequireWorkers();
        var logger = new CapturingLogger();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.Logger = logger;
        await using var bridge = new PythonBridge(options);

        using RunResult result = await bridge.RunAsync([Batches.Sample(3)], "print('x' * 80_000_000)\n" + GoodCode);

        Assert.That(result.RowCount, Is.EqualTo(3));
        CapturingLogger.Entry[] printed = [.. logger.Entries.Where(e => e.EventId.Id == 400)];
        Assert.That(printed, Has.Length.EqualTo(1));
        string dropped = (80_000_000 - ProtocolConstants.MaxTextChars).ToString("N0", CultureInfo.InvariantCulture);
        Assert.That(printed[0].Message, Does.EndWith($"… [truncated {dropped} characters]"));
        Assert.That(printed[0].Message, Has.Length.LessThan(ProtocolConstants.MaxTextChars + 100));
    }

    [Test]
    public async Task Bounded_HundredSixtyMegabyteExceptionMessage_TruncatedPythonWorkerExceptionAndWorkerIsReused()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        (long pid, _) = await ProbeAsync(bridge);

        var ex = Assert.ThrowsAsync<PythonWorkerException>(() => bridge.RunAsync([Batches.Sample(3)], "def fail():\n    raise ValueError('y' * 160_000_000)\nfail()"));

        string dropped = (160_000_000 - ProtocolConstants.MaxTextChars).ToString("N0", CultureInfo.InvariantCulture);
        Assert.That(ex!.PythonType, Is.EqualTo("ValueError"));
        Assert.That(ex.PythonMessage, Does.StartWith("yyyy").And.EndWith($"… [truncated {dropped} characters]"));
        Assert.That(ex.PythonTraceback, Does.Contain("in fail").And.Contain("characters]"));
        Assert.That(ex.PythonTraceback, Has.Length.LessThan(2 * ProtocolConstants.MaxTextChars));
        Assert.That((await ProbeAsync(bridge)).Pid, Is.EqualTo(pid), "the worker is reused by the next run");
    }

    private static async Task<(long Pid, long RssKb)> ProbeAsync(PythonBridge bridge)
    {
        using RunResult probe = await bridge.RunAsync([Batches.Sample(1)], RssProbe);
        return (Batches.Int64s(probe, "pid")[0], Batches.Int64s(probe, "rss_kb")[0]);
    }
}
