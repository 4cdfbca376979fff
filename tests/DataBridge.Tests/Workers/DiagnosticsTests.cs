using Microsoft.Extensions.Logging;

namespace DataBridge.Tests.Workers;

/// <summary>
/// Which Python runs and what it has (issue 14, item 1), a run that never sets its output (item 6), and error
/// texts that help (item 7): the code's name in tracebacks, the last printed lines on errors, a readable scope.
/// </summary>
[CancelAfter(120_000)]
public class DiagnosticsTests
{
    private static PythonBridgeOptions WithoutNumpy(PythonBridgeOptions options)
    {
        options.Environment["DATA_MANAGER_NO_NUMPY"] = "1";
        return options;
    }

    [Test]
    public async Task WarmUp_ReportsTheInterpreterPathVersionAndPandasAndLogsThemAtInformation()
    {
        PythonEnvironment.RequirePandas();
        var logger = new CapturingLogger();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.Logger = logger;
        await using var bridge = new PythonBridge(options);
        Assert.That(bridge.Interpreter, Is.Null, "nothing runs before the first run or warm-up");

        PythonInterpreterInfo info = await bridge.WarmUpAsync();

        CapturingLogger.Entry started = logger.Entries.Single(e => e.EventId.Id == 100);
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(info.Path), Is.True, info.Path);
            Assert.That(info.Version, Does.StartWith("3."));
            Assert.That(info.NumpyVersion, Is.Not.Null);
            Assert.That(info.PandasVersion, Is.Not.Null);
            Assert.That(info.PandasAbsence, Is.Null);
            Assert.That(bridge.Interpreter, Is.SameAs(info));
            Assert.That(bridge.Pool.IdleCount, Is.EqualTo(1), "warm-up leaves one forked worker idle");
            Assert.That(started.Level, Is.EqualTo(LogLevel.Information));
            Assert.That(started.Message, Does.Contain(info.Path).And.Contain("pandas " + info.PandasVersion).And.Contain("numpy " + info.NumpyVersion));
        });
    }

    [Test]
    public async Task WarmUp_InterpreterWithoutNumpyAndPandas_SaysBothAreAbsentAndWhy()
    {
        PythonEnvironment.RequireWorkers();
        var logger = new CapturingLogger();
        PythonBridgeOptions options = WithoutNumpy(PythonEnvironment.Options(maxWorkers: 1));
        options.Logger = logger;
        await using var bridge = new PythonBridge(options);

        PythonInterpreterInfo info = await bridge.WarmUpAsync();

        Assert.Multiple(() =>
        {
            Assert.That(info.PandasVersion, Is.Null);
            Assert.That(info.NumpyVersion, Is.Null);
            Assert.That(info.PandasAbsence, Does.Contain("DATA_MANAGER_NO_NUMPY"));
            Assert.That(info.ToString(), Does.Contain("numpy absent, pandas absent"));
            Assert.That(logger.Entries.Single(e => e.EventId.Id == 100).Message, Does.Contain("pandas absent"));
        });
    }

    [Test]
    public async Task RequirePandas_InterpreterWithoutPandas_FailsAtWarmUpNamingTheInterpreterAndHowToChooseAnother()
    {
        PythonEnvironment.RequireWorkers();
        PythonBridgeOptions options = WithoutNumpy(PythonEnvironment.Options(maxWorkers: 1));
        options.RequirePandas = true;
        await using var bridge = new PythonBridge(options);

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => bridge.WarmUpAsync());

        Assert.That(ex!.Message, Does.Contain("RequirePandas").And.Contain("python").And.Contain("DATA_MANAGER_NO_NUMPY")
            .And.Contain("PythonBridgeOptions.PythonExecutable").And.Contain("DATABRIDGE_PYTHON"));
        Assert.ThrowsAsync<DataBridgeException>(() => bridge.RunAsync([Batches.Sample(1)], "data_manager.noops_fetch()"), "every run fails the same way");
    }

    [Test]
    public async Task WarmUp_MissingInterpreter_FailsAtOnceNamingItAndHowToChooseAnother()
    {
        await using var bridge = new PythonBridge(new PythonBridgeOptions { PythonExecutable = "/nonexistent/python3" });

        var ex = Assert.ThrowsAsync<DataBridgeException>(() => bridge.WarmUpAsync());

        Assert.That(ex!.Message, Does.Contain("'/nonexistent/python3'").And.Contain("no such file").And.Contain("DATABRIDGE_PYTHON"));
    }

    [Test]
    public async Task Run_CodeThatNeverCallsSetOutput_SaysSoInTheResultAndWarnsWithTheRunId()
    {
        PythonEnvironment.RequireWorkers();
        var logger = new CapturingLogger();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.Logger = logger;
        await using var bridge = new PythonBridge(options);

        using RunResult result = await bridge.RunAsync([Batches.Sample(3)], "data_manager.noops_fetch()", new RunContext { GroupId = "g-6" });

        CapturingLogger.Entry warning = logger.Entries.Single(e => e.EventId.Id == 303);
        Assert.Multiple(() =>
        {
            Assert.That(result.OutputSet, Is.False);
            Assert.That(result.RowCount, Is.Zero);
            Assert.That(result.Schema.FieldsList, Is.Empty);
            Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(warning.State["RunId"], Is.EqualTo(logger.Entries.Single(e => e.EventId.Id == 300).State["RunId"]));
            Assert.That(warning.Message, Does.Contain("never called data_manager.set_output").And.Contain("group g-6, owner -"));
            Assert.That(logger.Entries.Select(e => e.Message), Has.None.Contains("(null)"), "an absent owner reads as -");
        });
    }

    [Test]
    public async Task WorkerCrash_IsLoggedAsAReadableCause_NotNullPlaceholders()
    {
        PythonEnvironment.RequireWorkers();
        var logger = new CapturingLogger();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.Logger = logger;
        await using var bridge = new PythonBridge(options);

        Assert.ThrowsAsync<WorkerCrashedException>(async () => (await bridge.RunAsync([Batches.Sample(3)], "import os\nos._exit(3)")).Dispose());

        CapturingLogger.Entry crash = logger.Entries.Single(e => e.EventId.Id == 202);
        Assert.That(crash.Message, Does.Match(@"crashed: it (exited with code 3|ended)$"));
        Assert.That(logger.Entries.Select(e => e.Message), Has.None.Contains("(null)"));
    }

    [Test]
    public async Task Run_CodeThatSetsAnEmptyOutput_IsOutputSetWithoutWarning()
    {
        PythonEnvironment.RequireWorkers();
        var logger = new CapturingLogger();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.Logger = logger;
        await using var bridge = new PythonBridge(options);

        using RunResult result = await bridge.RunAsync([Batches.Sample(3)], "data_manager.set_output({'n': []})");

        Assert.That(result.OutputSet, Is.True);
        Assert.That(logger.Entries.Any(e => e.EventId.Id == 303), Is.False);
    }

    [Test]
    public async Task PythonError_WithoutALogger_CarriesTheLast20PrintedLines()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        const string code = """
            import sys
            for i in range(30):
                print(f"step {i}")
            sys.stderr.write("about to fail\n")
            data_manager.log("logged")
            raise ValueError("boom")
            """;

        var ex = Assert.ThrowsAsync<PythonWorkerException>(() => bridge.RunAsync([Batches.Sample(1)], code));

        string[] lines = ex!.OutputTail.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Length.EqualTo(20));
            Assert.That(lines[0], Is.EqualTo("step 12"));
            Assert.That(lines[^2], Is.EqualTo("[stderr] about to fail"));
            Assert.That(lines[^1], Is.EqualTo("[log] logged"));
            Assert.That(ex.ToString(), Does.Contain("Last output of the Python code:").And.Contain("step 29"));
        });
    }

    [Test]
    public async Task PythonError_TracebackNamesTheCodeByItsCodeName()
    {
        PythonEnvironment.RequireWorkers();
        await using var bridge = new PythonBridge(PythonEnvironment.Options(maxWorkers: 1));
        const string code = "def enrich():\n    raise KeyError('price')\nenrich()\n";

        var named = Assert.ThrowsAsync<PythonWorkerException>(() => bridge.RunAsync([Batches.Sample(1)], code, new RunContext { CodeName = "jobs/enrich.py" }));
        var unnamed = Assert.ThrowsAsync<PythonWorkerException>(() => bridge.RunAsync([Batches.Sample(1)], code));

        Assert.Multiple(() =>
        {
            Assert.That(named!.PythonTraceback, Does.Contain("File \"jobs/enrich.py\", line 2, in enrich").And.Contain("raise KeyError('price')"));
            Assert.That(named.PythonTraceback, Does.Not.Contain("<databridge-"));
            Assert.That(unnamed!.PythonTraceback, Does.Contain("File \"<databridge-"));
        });
    }

    [Test]
    public async Task PythonOutput_ScopeRendersAsReadableText()
    {
        PythonEnvironment.RequireWorkers();
        var logger = new CapturingLogger();
        PythonBridgeOptions options = PythonEnvironment.Options(maxWorkers: 1);
        options.Logger = logger;
        await using var bridge = new PythonBridge(options);

        using RunResult _ = await bridge.RunAsync([Batches.Sample(1)], "print('hi')\ndata_manager.noops_fetch()\ndata_manager.set_output({'n': [1]})", new RunContext { GroupId = "nightly-42", Owner = "etl" });

        CapturingLogger.Entry printed = logger.Entries.Single(e => e.EventId.Id == 400);
        Assert.Multiple(() =>
        {
            Assert.That(printed.ScopeText, Does.StartWith("run " + printed.Scope["RunId"]).And.Contain("group nightly-42").And.Contain("owner etl"));
            Assert.That(printed.ScopeText, Does.Not.Contain("KeyValuePair"));
            Assert.That(printed.Scope["GroupId"], Is.EqualTo("nightly-42"), "structured loggers still get the named values");
        });
    }
}
