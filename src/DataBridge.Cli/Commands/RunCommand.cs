using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using DataBridge.Frames;
using DataBridge.Ipc;
using DataBridge.Parquet;
using Microsoft.Extensions.Logging;

namespace DataBridge.Cli.Commands;

/// <summary>
/// <c>databridge run</c>: runs a Python script that uses <c>data_manager</c> over a CSV, Parquet or Arrow file
/// and writes its output as CSV, Parquet or Arrow. Driver mode by default (the whole input streams through one worker);
/// with <c>--partitions N</c> executor mode (each partition in its own worker, <c>--parallelism</c> at once).
/// </summary>
/// <remarks>Exit codes: 0 success; 1 bad input (unreadable or malformed file); 2 bad usage; 3 internal error;
/// 4 the Python code raised (its traceback is printed); 5 a worker crashed or the bridge failed;
/// 130 cancelled (Ctrl+C).</remarks>
internal static class RunCommand
{
    public const int ExitPythonError = 4;
    public const int ExitBridgeFailure = 5;
    public const int ExitCancelled = 130;

    /// <summary>How a CLI user chooses the interpreter: the end of every interpreter-related error.</summary>
    public const string InterpreterHint = "Choose another with --python PATH (default: DATABRIDGE_PYTHON, else python3 on PATH).";

    /// <summary>The command's name.</summary>
    public const string Name = "run";

    /// <summary>The last line of <c>databridge run --help</c>.</summary>
    public const string ExitCodes = "exit codes: 0 ok, 1 bad input, 2 bad usage, 3 internal error, 4 Python error, 5 worker crash or bridge failure, 130 cancelled";

    private sealed class Options
    {
        public string? Input;
        public string? Script;
        public string? Output;
        public int Partitions;
        public int Parallelism = Environment.ProcessorCount;
        public int MemoryLimitMb;
        public string? Python;
        public int BatchRows = 65536;
        public bool Quiet;
        public bool Verbose;
        public bool RequirePandas;
        public bool InferDecimals;
        public PythonInterpreterInfo? Interpreter;
        public RunContext Context = new();
    }

    /// <summary>The <c>run</c> command: its options, and its action over the console or the writers of the invocation.</summary>
    /// <param name="time">The clock of the progress lines.</param>
    public static Command Create(TimeProvider time)
    {
        var input = new Option<string>("--input") { HelpName = "FILE", Required = true, Description = ".csv (.tsv: tab-separated), .parquet, or an Arrow IPC stream or file (.arrow, .arrows, .stream, .ipc)" };
        var script = new Option<string>("--script") { HelpName = "FILE.py", Required = true, Description = "Python code using data_manager (fetch_once / set_output)" };
        var output = new Option<string>("--output") { HelpName = "FILE", Required = true, Description = ".csv (.tsv: tab-separated), .parquet or an Arrow IPC stream (by extension)" };
        Option<int> partitions = Count("--partitions", "executor mode: split the input into N partitions, one worker each", allowZero: false);
        Option<int> parallelism = Count("--parallelism", "partitions run at once (default: the processor count)", allowZero: false);
        Option<int> memoryLimit = Count("--memory-limit", "address-space limit per worker (RLIMIT_AS), in MB", allowZero: true);
        memoryLimit.HelpName = "MB";
        var python = new Option<string>("--python") { HelpName = "PATH", Description = "the interpreter (default: DATABRIDGE_PYTHON, else python3 on PATH)" };
        Option<bool> requirePandas = Flag("--require-pandas", "fail at once when the interpreter has no pandas");
        var context = new Option<string[]>("--context") { HelpName = "KEY=VALUE", Description = "run context seen as data_manager.conf (repeatable)" };
        context.Validators.Add(result =>
        {
            foreach (string value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (value.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    result.AddError($"--context takes KEY=VALUE, not '{value}'");
                    return;
                }
            }
        });
        var owner = new Option<string>("--owner") { HelpName = "NAME", Description = "the run context's OWNER" };
        var groupId = new Option<string>("--group-id") { HelpName = "ID", Description = "the run context's GROUP_ID" };
        Option<int> batchRows = Count("--batch-rows", "rows per Arrow batch", allowZero: false);
        batchRows.DefaultValueFactory = _ => 65536;
        var decimals = new Option<string>("--decimals")
        {
            HelpName = "MODE",
            Description = "how decimal columns reach pandas: exact (decimal.Decimal, the default), float64, or scaled-int64 (value × 10^scale)",
        };
        decimals.AcceptOnlyFromAmong("exact", "float64", "scaled-int64");
        Option<bool> inferDecimals = Flag("--infer-decimals", "CSV input: infer decimal128/decimal256 for plain decimal columns (12.50) instead of float64");
        Option<bool> quiet = Flag("--quiet", "no progress on stderr (by default a line every 5 s, or one self-updating line on a terminal)");
        Option<bool> verbose = Flag("--verbose", "log to stderr which Python runs (path, version, numpy/pandas), the script's output and the bridge's events (warnings are always shown)");
        var command = new Command(Name, "Runs a Python script that uses data_manager over a CSV, Parquet or Arrow file and writes its output as CSV, Parquet or Arrow.")
        {
            input, script, output, partitions, parallelism, memoryLimit, python, requirePandas, context, owner, groupId, batchRows, decimals, inferDecimals, quiet, verbose,
        };
        command.SetAction(result =>
        {
            var options = new Options
            {
                Input = result.GetRequiredValue(input),
                Script = result.GetRequiredValue(script),
                Output = result.GetRequiredValue(output),
                Partitions = result.GetValue(partitions),
                Parallelism = result.GetResult(parallelism) is null ? Environment.ProcessorCount : result.GetValue(parallelism),
                MemoryLimitMb = result.GetValue(memoryLimit),
                Python = result.GetValue(python),
                BatchRows = result.GetValue(batchRows),
                Quiet = result.GetValue(quiet),
                Verbose = result.GetValue(verbose),
                RequirePandas = result.GetValue(requirePandas),
                InferDecimals = result.GetValue(inferDecimals),
            };
            options.Context.PandasDecimals = result.GetValue(decimals) switch
            {
                "float64" => PandasDecimals.Float64,
                "scaled-int64" => PandasDecimals.ScaledInt64,
                _ => PandasDecimals.Exact,
            };
            options.Context.Owner = result.GetValue(owner);
            options.Context.GroupId = result.GetValue(groupId);
            foreach (string pair in result.GetValue(context) ?? [])
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                options.Context[pair[..eq]] = pair[(eq + 1)..];
            }

            return Execute(options, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, time);
        });
        return command;
    }

    // A count written as digits only (no sign, no spaces), as the options always took.
    private static Option<int> Count(string name, string description, bool allowZero) => new(name)
    {
        HelpName = "N",
        Description = description,
        CustomParser = result =>
        {
            string value = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && (n > 0 || allowZero))
            {
                return n;
            }

            result.AddError($"{name} takes a positive integer, not '{value}'");
            return 0;
        },
    };

    private static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    private static int Execute(Options options, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        foreach ((string flag, string path) in new[] { ("--input", options.Input!), ("--script", options.Script!) })
        {
            if (!File.Exists(path))
            {
                stderr.WriteLine($"error: {flag}: no such file: {path}");
                return CommandLineTool.ExitBadInput;
            }
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var progress = new ProgressReporter(stderr, ProgressReporter.ModeFor(stderr, options.Quiet), time);
            RunAsync(options, stdout, stderr, progress, cancel.Token).GetAwaiter().GetResult();
            return CommandLineTool.ExitSuccess;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            stderr.WriteLine("error: cancelled");
            return ExitCancelled;
        }
        catch (PythonWorkerException e)
        {
            stderr.WriteLine($"error: the Python script raised {e.PythonType}: {e.PythonMessage}");
            WritePythonError(stderr, e, options.Interpreter);
            return ExitPythonError;
        }
        catch (PartitionFailedException e) when (e.InnerException is PythonWorkerException p)
        {
            stderr.WriteLine($"error: partition {e.Partition}: the Python script raised {p.PythonType}: {p.PythonMessage}");
            WritePythonError(stderr, p, options.Interpreter);
            return ExitPythonError;
        }
        catch (WorkerCrashedException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            if (!string.IsNullOrWhiteSpace(e.StderrTail))
            {
                stderr.WriteLine(e.StderrTail.TrimEnd());
            }

            WriteOutputTail(stderr, e.OutputTail);
            return ExitBridgeFailure;
        }
        catch (CsvFormatException e)
        {
            stderr.WriteLine($"error: {options.Input}: {e.Message}");
            return CommandLineTool.ExitBadInput;
        }
        catch (ArrowFormatException e)
        {
            stderr.WriteLine($"error: invalid Arrow data: {e.Message}");
            return CommandLineTool.ExitBadInput;
        }
        catch (DataBridgeException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitBridgeFailure;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return CommandLineTool.ExitBadInput;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return CommandLineTool.ExitBadInput;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    // The traceback, then what the script printed last; an import failure also says which Python ran it.
    private static void WritePythonError(TextWriter stderr, PythonWorkerException e, PythonInterpreterInfo? interpreter)
    {
        stderr.WriteLine(e.PythonTraceback.TrimEnd());
        WriteOutputTail(stderr, e.OutputTail);
        if (e.PythonType is "ModuleNotFoundError" or "ImportError" && interpreter is not null)
        {
            stderr.WriteLine($"note: the script ran with {interpreter}. {InterpreterHint}");
        }
    }

    private static void WriteOutputTail(TextWriter stderr, string tail)
    {
        if (tail.Length > 0)
        {
            stderr.WriteLine("the script's last output lines:");
            stderr.WriteLine(tail.TrimEnd());
        }
    }

    private static async Task RunAsync(Options options, TextWriter stdout, TextWriter stderr, ProgressReporter progress, CancellationToken ct)
    {
        string code = await File.ReadAllTextAsync(options.Script!, ct).ConfigureAwait(false);
        var bridgeOptions = new PythonBridgeOptions
        {
            WorkerMemoryLimitMb = options.MemoryLimitMb,
            MaxBatchRows = options.BatchRows,
            MaxWorkers = Math.Max(1, options.Partitions > 0 ? options.Parallelism : 1),
            RequirePandas = options.RequirePandas,
            Logger = new StderrLogger(stderr, options.Verbose ? LogLevel.Information : LogLevel.Warning),
            InterpreterHint = InterpreterHint,
        };
        if (options.Python is not null)
        {
            bridgeOptions.PythonExecutable = options.Python;
        }

        // Tracebacks name the script instead of <databridge-…>.
        options.Context.CodeName = options.Script;
        var stopwatch = Stopwatch.StartNew();
        var bridge = new PythonBridge(bridgeOptions);
        await using ConfiguredAsyncDisposable disposeBridge = bridge.ConfigureAwait(false);

        // Before any input is read: a missing or unusable interpreter (or one without a required pandas) fails now.
        options.Interpreter = await bridge.WarmUpAsync(ct).ConfigureAwait(false);
        ArrowFrame output;
        if (options.Partitions > 0)
        {
            ArrowFrame input = Load(options);
            progress.Report(input.RowCount, 0);
            output = await bridge.MapPartitionsAsync(input.Repartition(options.Partitions), code, options.Context, options.Parallelism, ct).ConfigureAwait(false);
            progress.Report(input.RowCount, output.RowCount);
        }
        else
        {
            // Driver mode streams: CSV partitions (or Arrow batches) flow to the worker as they are read,
            // and output batches are collected as they arrive.
            var batches = new List<RecordBatch>();
            long rowsIn = 0;
            long rowsOut = 0;
            IEnumerable<RecordBatch> Counted(IEnumerable<RecordBatch> source)
            {
                foreach (RecordBatch batch in source)
                {
                    rowsIn += batch.Length;
                    progress.Report(rowsIn, rowsOut);
                    yield return batch;
                }
            }

            await foreach (RecordBatch batch in bridge.RunStreamingAsync(Counted(Stream(options)), code, options.Context, ct).ConfigureAwait(false))
            {
                batches.Add(batch);
                rowsOut += batch.Length;
                progress.Report(rowsIn, rowsOut);
            }

            output = batches.Count > 0 ? ArrowFrame.FromArrow(batches[0].Schema, batches) : ArrowFrame.Empty;
        }

        Save(output, options.Output!);
        progress.Dispose();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{output.RowCount:N0} rows written to {options.Output} in {stopwatch.Elapsed.TotalSeconds:F1} s"));
    }

    private static bool IsCsv(string path) => path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || IsTsv(path);

    private static bool IsTsv(string path) => path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);

    // A .tsv file is tab-separated; decimal inference applies to input only.
    private static CsvOptions CsvFor(string path, bool inferDecimals = false) => new() { Separator = IsTsv(path) ? '\t' : ',', InferDecimals = inferDecimals };

    private static bool IsParquet(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    private static ArrowFrame Load(Options options) =>
        IsCsv(options.Input!) ? ArrowFrame.LoadCsv(options.Input!, CsvFor(options.Input!, options.InferDecimals))
        : IsParquet(options.Input!) ? ParquetBatches.ReadFrameAsync(options.Input!).GetAwaiter().GetResult()
        : ArrowFrame.FromArrow(File.OpenRead(options.Input!));

    private static IEnumerable<RecordBatch> Stream(Options options)
    {
        if (IsCsv(options.Input!))
        {
            foreach (RecordBatch batch in ArrowFrame.ReadCsvPartitions(options.Input!, CsvFor(options.Input!, options.InferDecimals)))
            {
                yield return batch;
            }

            yield break;
        }

        if (IsParquet(options.Input!))
        {
            // One row group at a time (docs/parquet.md): memory stays bounded on files larger than RAM's share.
            foreach (RecordBatch batch in ParquetBatches.ReadAsync(options.Input!).ToBlockingEnumerable())
            {
                yield return batch;
            }

            yield break;
        }

        using var reader = new ArrowIpcReader(File.OpenRead(options.Input!));
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            yield return batch;
        }
    }

    private static void Save(ArrowFrame output, string path)
    {
        string temp = path + ".partial";
        if (IsCsv(path))
        {
            output.SaveCsv(temp, CsvFor(path));
        }
        else if (IsParquet(path))
        {
            ParquetBatches.WriteAsync(temp, output).GetAwaiter().GetResult();
        }
        else
        {
            using FileStream file = File.Create(temp);
            output.WriteArrow(file);
        }

        File.Move(temp, path, overwrite: true);
    }
}
