using System.Diagnostics;
using System.Globalization;
using DataBridge.Tests.Servers;

namespace DataBridge.Tests.Workers;

/// <summary>
/// Issue 13, item 5: processes that user code starts (a <c>subprocess</c> spinning on the CPU, a
/// <c>multiprocessing</c> child) end with their worker, however the worker ends: the run cancelled, the worker
/// crashed, the idle worker expired, the bridge disposed, the daemon killed. Each worker leads its own process
/// group and the daemon (or its janitor) kills the group (docs/protocol.md, section 1).
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
[NonParallelizable] // every test spins CPU-bound processes for a moment: one at a time on a small machine
public sealed class ProcessTreeTests
{
    // The issue's bound: a grandchild must be gone this soon after its worker ended.
    private static readonly TimeSpan GoneWithin = TimeSpan.FromSeconds(2);

    // Forking a worker and starting an interpreter for the grandchild on a loaded machine: generous, as it
    // only bounds a failure.
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly List<int> _started = [];
    private string _pidFile = "";

    [SetUp]
    public void CreatePidFile()
    {
        _pidFile = Path.Combine(Path.GetTempPath(), $"databridge-tree-{Guid.NewGuid():N}.pids");
        _started.Clear();
    }

    [TearDown]
    public void KillLeftovers()
    {
        // A failing test must not leave spinning processes behind on a shared machine. Only our own spinners
        // (checked by their command line) are killed.
        foreach (int pid in _started)
        {
            if (IsRunning(pid) && ReadCommandLine(pid) is var command && (command.Contains("while True", StringComparison.Ordinal) || command.Contains("data_manager._daemon", StringComparison.Ordinal)))
            {
                try
                {
                    using Process process = Process.GetProcessById(pid);
                    process.Kill();
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // already gone
                }
            }
        }

        File.Delete(_pidFile);
    }

    [Test]
    public async Task Cancel_RunWithSubprocessAndMultiprocessingChildren_BothAreGoneWithinTwoSeconds()
    {
        RequireLinuxWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        using var cancel = new CancellationTokenSource();
        Task<RunResult> run = bridge.RunAsync([Batches.Sample(3)], StartChildren(multiprocessing: true) + "while True:\n    time.sleep(0.05)\n", cancellationToken: cancel.Token);
        Pids pids = await WaitForPidsAsync(run);
        Assert.That(IsRunning(pids.Subprocess) && IsRunning(pids.Multiprocessing), Is.True, "both children spin before the cancel");

        await cancel.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(() => run);

        AssertGone(pids.Subprocess, "the subprocess of a cancelled run");
        AssertGone(pids.Multiprocessing, "the multiprocessing child of a cancelled run");
    }

    [Test]
    public async Task Crash_WorkerExitsLeavingChildren_ChildrenAreGoneWithinTwoSeconds()
    {
        RequireLinuxWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));

        // Bounded: the multiprocessing child holds the worker's connection, so the host sees the crash only
        // once the child is gone too (without the group kill this run never ends).
        Task<RunResult> run = bridge.RunAsync([Batches.Sample(3)], StartChildren(multiprocessing: true) + "os._exit(3)\n");
        Assert.ThrowsAsync<WorkerCrashedException>(() => run.WaitAsync(StartDeadline));
        Pids pids = ReadPids();

        AssertGone(pids.Subprocess, "the subprocess of a crashed worker");
        AssertGone(pids.Multiprocessing, "the multiprocessing child of a crashed worker");
    }

    [Test]
    public async Task IdleExpiry_WorkerThatLeftASubprocess_SubprocessIsGoneWithinTwoSeconds()
    {
        RequireLinuxWorkers();
        var clock = new FakeTimeProvider();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.TimeProvider = clock;
        options.WorkerIdleTimeout = TimeSpan.FromMilliseconds(1);
        await using var bridge = new PythonBridge(options);

        using (RunResult result = await bridge.RunAsync([Batches.Sample(3)], StartChildren(multiprocessing: false) + "data_manager.set_output({'n': [1]})\n"))
        {
            Assert.That(result.RowCount, Is.EqualTo(1));
        }

        Pids pids = ReadPids();
        Assert.That(IsRunning(pids.Subprocess), Is.True, "a finished run's subprocess lives on while its worker is idle");
        Assert.That(bridge.Pool.IdleCount, Is.EqualTo(1));

        // The sweeper runs only when the fake clock moves; the worker's real idle time is already past 1 ms,
        // so one sweep expires it. The sweep's kill runs on another thread: after each tick the test waits for
        // it (a condition, not a duration; bounded at 200 ticks, about 10 s even on a busy machine).
        for (int i = 0; i < 200 && bridge.Pool.IdleCount > 0; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(50);
        }

        Assert.That(bridge.Pool.IdleCount, Is.Zero, "the idle worker expired");
        AssertGone(pids.Subprocess, "the subprocess of an expired idle worker");
        Assert.That(IsRunning(pids.Worker), Is.False, "the expired worker itself");
    }

    [Test]
    public async Task Dispose_BridgeWhoseIdleWorkerLeftASubprocess_SubprocessIsGoneWithinTwoSeconds()
    {
        RequireLinuxWorkers();
        var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        try
        {
            using RunResult result = await bridge.RunAsync([Batches.Sample(3)], StartChildren(multiprocessing: false) + "data_manager.set_output({'n': [1]})\n");
        }
        finally
        {
            await bridge.DisposeAsync();
        }

        AssertGone(ReadPids().Subprocess, "the subprocess of a disposed bridge's worker");
    }

    [Test]
    public async Task DaemonKilledWithSigKill_MidRun_TheWorkersSubprocessIsGoneWithinTwoSeconds()
    {
        RequireLinuxWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        Task<RunResult> run = bridge.RunAsync([Batches.Sample(3)], StartChildren(multiprocessing: false) + "while True:\n    time.sleep(0.05)\n");
        Pids pids = await WaitForPidsAsync(run);

        using (Process daemon = Process.GetProcessById(pids.Daemon))
        {
            daemon.Kill(); // SIGKILL: the daemon's shutdown never runs; its janitor must kill the worker's group
        }

        Assert.CatchAsync<DataBridgeException>(() => run.WaitAsync(StartDeadline));
        AssertGone(pids.Worker, "the worker of a killed daemon");
        AssertGone(pids.Subprocess, "the subprocess of a killed daemon's worker");
    }

    // User code that starts a CPU-bound subprocess (and a multiprocessing child) and writes their pids, its
    // own and its daemon's to the pid file (atomically: written aside, then renamed).
    private string StartChildren(bool multiprocessing) => $$"""
        import os, subprocess, sys, time
        spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        mp_pid = 0
        if {{(multiprocessing ? "True" : "False")}}:
            import multiprocessing
            def spin():
                while True:
                    pass
            child = multiprocessing.get_context("fork").Process(target=spin)
            child.start()
            mp_pid = child.pid
        with open({{PythonString(_pidFile + ".tmp")}}, "w") as f:
            f.write("%d %d %d %d" % (spinner.pid, mp_pid, os.getpid(), os.getppid()))
        os.replace({{PythonString(_pidFile + ".tmp")}}, {{PythonString(_pidFile)}})

        """;

    private static string PythonString(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static void RequireLinuxWorkers()
    {
        PythonEnvironment.RequireWorkers();
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Process groups are checked through /proc on Linux.");
        }
    }

    // Waits (bounded) for the user code to write the pid file; fails early if the run ends first.
    private async Task<Pids> WaitForPidsAsync(Task<RunResult> run)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(_pidFile))
        {
            if (run.IsCompleted)
            {
                await run; // throws the run's failure
                Assert.Fail("the run ended before it wrote its pids");
            }

            Assert.That(clock.Elapsed, Is.LessThan(StartDeadline), "the run did not start its children");
            await Task.Delay(20);
        }

        return ReadPids();
    }

    private Pids ReadPids()
    {
        Assert.That(File.Exists(_pidFile), Is.True, "the user code wrote its pids");
        int[] values = [.. File.ReadAllText(_pidFile).Split(' ').Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
        var pids = new Pids(values[0], values[1], values[2], values[3]);
        _started.Add(pids.Subprocess);
        if (pids.Multiprocessing != 0)
        {
            _started.Add(pids.Multiprocessing);
        }

        return pids;
    }

    // Polls /proc for at most GoneWithin (bounded iterations); prints how long the process took to go.
    private static void AssertGone(int pid, string what)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 400 && IsRunning(pid) && clock.Elapsed < GoneWithin; i++)
        {
            Thread.Sleep(5);
        }

        bool running = IsRunning(pid);
        TestContext.Out.WriteLine($"{what} (pid {pid}): {(running ? "still running" : "gone")} after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.That(running, Is.False, $"{what} (pid {pid}) still runs {GoneWithin.TotalSeconds} s after its worker ended");
    }

    // A missing /proc entry or a zombie (Z) / dead (X) state is a process that no longer runs.
    private static bool IsRunning(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string ReadCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    private readonly record struct Pids(int Subprocess, int Multiprocessing, int Worker, int Daemon);
}
