using DataBridge.Tests.Workers;
using DataBridge.Cli.Commands;

namespace DataBridge.Tests.Cli;

/// <summary><c>databridge run</c>, in-process, with a real Python worker.</summary>
[CancelAfter(180_000)]
public class RunCommandTests
{
    private static string RepoFile(string relative)
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "DataBridge.sln")))
            {
                return Path.Combine(d.FullName, relative);
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    private static string Script(TempFiles files, string code)
    {
        string path = files.TempPath(".py");
        File.WriteAllText(path, code);
        return path;
    }

    [Test]
    public void Run_SampleOrdersThroughEnrich_WritesEveryRowWithTotals()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new TempFiles();
        string output = files.TempPath(".csv");
        CliResult r = Tool.Run("run", "--input", RepoFile("samples/data/orders.csv"), "--script", RepoFile("samples/scripts/enrich.py"),
            "--output", output, "--python", PythonEnvironment.Interpreter, "--group-id", "g-7");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        ArrowFrame result = ArrowFrame.LoadCsv(output);
        Assert.Multiple(() =>
        {
            Assert.That(r.StdOut, Does.Contain("200 rows written"));
            Assert.That(result.RowCount, Is.EqualTo(200));
            Assert.That(result.Columns, Does.Contain("total").And.Contain("size"));
            Assert.That(File.Exists(output + ".partial"), Is.False);
        });
    }

    [Test]
    public void Run_ExecutorMode_GivesTheSameRowsAsDriverMode()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new TempFiles();
        string code = Script(files, "data_manager.set_output(data_manager.fetch_once_as_batches())\n");
        string driver = files.TempPath(".arrows");
        string executor = files.TempPath(".arrows");
        string input = RepoFile("samples/data/orders.csv");
        Assert.That(Tool.Run("run", "--input", input, "--script", code, "--output", driver, "--python", PythonEnvironment.Interpreter).ExitCode, Is.EqualTo(0));
        CliResult r = Tool.Run("run", "--input", input, "--script", code, "--output", executor, "--partitions", "4", "--parallelism", "2", "--python", PythonEnvironment.Interpreter);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        using FileStream a = File.OpenRead(driver);
        using FileStream b = File.OpenRead(executor);
        ArrowFrame one = ArrowFrame.FromArrow(a);
        ArrowFrame many = ArrowFrame.FromArrow(b);
        Assert.That(many.RowCount, Is.EqualTo(one.RowCount));
        Assert.That(many.Column<long>("order_id").ToArray().Order(), Is.EqualTo(one.Column<long>("order_id").ToArray().Order()));
    }

    [Test]
    public void Run_ContextOptions_ReachDataManagerConf()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new TempFiles();
        string code = Script(files, "data_manager.noops_fetch()\nc = data_manager.conf\ndata_manager.set_output({'k': [c['region']], 'o': [c['OWNER']]})\n");
        string output = files.TempPath(".csv");
        CliResult r = Tool.Run("run", "--input", RepoFile("samples/data/orders.csv"), "--script", code, "--output", output,
            "--context", "region=eu-west", "--owner", "etl", "--python", PythonEnvironment.Interpreter);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        Assert.That(File.ReadAllText(output), Is.EqualTo("k,o\neu-west,etl\n").Or.EqualTo("k,o\r\neu-west,etl\r\n"));
    }

    [Test]
    public void Run_TsvInputAndOutput_AreTabSeparated()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new TempFiles();
        string input = files.TempPath(".tsv");
        File.WriteAllText(input, "name\tnote\nada\ta, b\nbob\tc\n");
        string output = files.TempPath(".tsv");
        string code = Script(files, "data_manager.set_output(data_manager.fetch_once_as_batches())\n");

        CliResult r = Tool.Run("run", "--input", input, "--script", code, "--output", output, "--python", PythonEnvironment.Interpreter);

        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        Assert.That(File.ReadAllText(output).ReplaceLineEndings("\n"), Is.EqualTo("name\tnote\nada\ta, b\nbob\tc\n"));
    }

    [Test]
    public void Run_InferDecimalsAndDecimalsFloat64_PandasSeesFloatsOfTheExactCsvDecimals()
    {
        PythonEnvironment.RequirePandas();
        using var files = new TempFiles();
        string input = files.TempPath(".csv");
        File.WriteAllText(input, "amount\n12.50\n-0.25\n");
        string code = Script(files, "df = data_manager.fetch_once_as_dataframe()\ndata_manager.set_output({'dtype': [str(df['amount'].dtype)], 'sum': [float(df['amount'].sum())]})\n");
        string exact = files.TempPath(".csv");
        string asFloat = files.TempPath(".csv");

        CliResult r1 = Tool.Run("run", "--input", input, "--script", code, "--output", exact, "--infer-decimals", "--python", PythonEnvironment.Interpreter);
        CliResult r2 = Tool.Run("run", "--input", input, "--script", code, "--output", asFloat, "--infer-decimals", "--decimals", "float64", "--python", PythonEnvironment.Interpreter);
        CliResult bad = Tool.Run("run", "--input", input, "--script", code, "--output", asFloat, "--decimals", "fast");

        Assert.That((r1.ExitCode, r2.ExitCode), Is.EqualTo((0, 0)), r1.StdErr + r2.StdErr);
        Assert.That(File.ReadAllText(exact).ReplaceLineEndings("\n"), Is.EqualTo("dtype,sum\nobject,12.25\n"));
        Assert.That(File.ReadAllText(asFloat).ReplaceLineEndings("\n"), Is.EqualTo("dtype,sum\nfloat64,12.25\n"));
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.StdErr, Does.Contain("fast"));
    }

    [Test]
    public void Run_ScriptRaises_Exit4WithTheTracebackOfTheUsersCode()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new TempFiles();
        string code = Script(files, "def check(x):\n    raise ValueError('bad order ' + str(x))\ncheck(42)\n");
        CliResult r = Tool.Run("run", "--input", RepoFile("samples/data/orders.csv"), "--script", code, "--output", files.TempPath(".csv"), "--python", PythonEnvironment.Interpreter);
        Assert.Multiple(() =>
        {
            Assert.That(r.ExitCode, Is.EqualTo(4));
            Assert.That(r.StdErr, Does.StartWith("error: the Python script raised ValueError: bad order 42"));
            Assert.That(r.StdErr, Does.Contain("raise ValueError('bad order ' + str(x))"), "the user's source line is shown");
            Assert.That(r.StdErr, Does.Not.Contain("_worker.py"), "the worker's own frames are not shown");
        });
    }

    [Test]
    public void Run_MalformedCsv_Exit1NamingTheLine()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new TempFiles();
        string input = files.TempPath(".csv");
        File.WriteAllText(input, "a,b\n1,2\n3,\"unterminated\n");
        string code = Script(files, "data_manager.set_output(data_manager.fetch_once_as_batches())\n");
        CliResult r = Tool.Run("run", "--input", input, "--script", code, "--output", files.TempPath(".csv"), "--python", PythonEnvironment.Interpreter);
        Assert.That(r.ExitCode, Is.EqualTo(1), r.StdErr);
        Assert.That(r.StdErr, Does.StartWith("error:").And.Contain("line 3"));
    }

    [Test]
    public void Run_MissingFile_Exit1()
    {
        CliResult r = Tool.Run("run", "--input", "/nonexistent/in.csv", "--script", "/nonexistent/x.py", "--output", "out.csv");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.StdErr, Is.EqualTo($"error: --input: no such file: /nonexistent/in.csv{Environment.NewLine}"));
    }

    [TestCase("--input", "a.csv")]
    [TestCase("--input", "a.csv", "--script", "s.py", "--output", "o.csv", "--partitions", "zero")]
    [TestCase("--input", "a.csv", "--script", "s.py", "--output", "o.csv", "--bogus", "1")]
    public void Run_BadUsage_Exit2WithUsage(params string[] args)
    {
        CliResult r = Tool.Run(["run", .. args]);
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.StdErr, Does.StartWith("error:").And.Contain("Usage:").And.Contain("databridge run [options]"));
    }

    [Test]
    public void Run_Help_PrintsUsageAndExitCodes()
    {
        CliResult r = Tool.Run("run", "--help");
        Assert.That(r.ExitCode, Is.EqualTo(0));
        Assert.That(r.StdOut, Does.Contain("exit codes: 0 ok"));
    }
    [Test]
    public void Run_Verbose_LogsWhichPythonRunsWithItsNumpyAndPandas()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new TempFiles();
        string output = files.TempPath(".csv");
        CliResult r = Tool.Run("run", "--input", RepoFile("samples/data/orders.csv"), "--script", Script(files, "data_manager.set_output(data_manager.fetch_once_as_batches())\n"),
            "--output", output, "--python", PythonEnvironment.Interpreter, "--verbose");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        Assert.That(r.StdErr, Does.Contain("info: Python daemon started").And.Contain("numpy ").And.Contain("pandas ").And.Contain("configured: " + PythonEnvironment.Interpreter));
    }

    [Test]
    public void Run_MissingPython_FailsBeforeReadingInputAndSaysToUseThePythonOption()
    {
        using var files = new TempFiles();
        string output = files.TempPath(".csv");
        CliResult r = Tool.Run("run", "--input", RepoFile("samples/data/orders.csv"), "--script", Script(files, "data_manager.noops_fetch()\n"),
            "--output", output, "--python", "/nonexistent/python3");
        Assert.Multiple(() =>
        {
            Assert.That(r.ExitCode, Is.EqualTo(RunCommand.ExitBridgeFailure), r.StdErr);
            Assert.That(r.StdErr, Does.Contain("'/nonexistent/python3'").And.Contain("--python PATH"));
            Assert.That(r.StdErr, Does.Not.Contain("PythonBridgeOptions"), "a CLI user is not told to set SDK options");
            Assert.That(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), r.StdErr);
        });
    }

    [Test]
    public void Run_ScriptThatRaises_TracebackNamesTheScriptAndShowsItsLastOutput()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new TempFiles();
        string script = Script(files, "print('loaded the prices')\ndef enrich():\n    raise KeyError('price')\nenrich()\n");
        CliResult r = Tool.Run("run", "--input", RepoFile("samples/data/orders.csv"), "--script", script, "--output", files.TempPath(".csv"), "--python", PythonEnvironment.Interpreter);
        Assert.Multiple(() =>
        {
            Assert.That(r.ExitCode, Is.EqualTo(RunCommand.ExitPythonError), r.StdErr);
            Assert.That(r.StdErr, Does.Contain($"File \"{script}\", line 3, in enrich"));
            Assert.That(r.StdErr, Does.Contain("the script's last output lines:").And.Contain("loaded the prices"));
        });
    }

    [Test]
    public void Run_ScriptThatNeverSetsOutput_WarnsOnStderr()
    {
        PythonEnvironment.RequireWorkers();
        using var files = new TempFiles();
        CliResult r = Tool.Run("run", "--input", RepoFile("samples/data/orders.csv"), "--script", Script(files, "data_manager.noops_fetch()\n"),
            "--output", files.TempPath(".csv"), "--python", PythonEnvironment.Interpreter);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.StdErr);
        Assert.That(r.StdErr, Does.StartWith("warning: ").And.Contain("never called data_manager.set_output"));
    }
}
