using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Globalization;
using DataBridge.Frames;
using DataBridge.Ipc;
using Microsoft.Extensions.Logging;

namespace DataBridge.Tooling;

/// <summary>
/// <c>databridge run</c>: runs a Python script that uses <c>data_manager</c> over a CSV or Arrow file and
/// writes its output as CSV or Arrow. Driver mode by default (the whole input streams through one worker);
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

    public const string Usage = """
        usage: databridge run --input FILE --script FILE.py --output FILE [options]
          --input FILE          .csv, or an Arrow IPC stream or file (.arrow, .arrows, .stream, .ipc)
          --script FILE.py      Python code using data_manager (fetch_once / set_output)
          --output FILE         .csv or an Arrow IPC stream (by extension)
          --partitions N        executor mode: split the input into N partitions, one worker each
          --parallelism N       partitions run at once (default: the processor count)
          --memory-limit MB     address-space limit per worker (RLIMIT_AS)
          --python PATH         the interpreter (default: DATABRIDGE_PYTHON, else python3 on PATH)
          --require-pandas      fail at once when the interpreter has no pandas
          --context KEY=VALUE   run context seen as data_manager.conf (repeatable)
          --owner NAME, --group-id ID   the run context's OWNER and GROUP_ID
          --batch-rows N        rows per Arrow batch (default 65536)
          --quiet               no progress line (it is shown only when stderr is a terminal anyway)
          --verbose             log to stderr which Python runs (path, version, numpy/pandas), the script's
                                output and the bridge's events (warnings are always shown)
        exit codes: 0 ok, 1 bad input, 2 bad usage, 3 internal error, 4 Python error, 5 worker crash or bridge failure, 130 cancelled
        """;

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
        public PythonInterpreterInfo? Interpreter;
        public RunContext Context = new();
    }

    public static int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help"] or ["-h"])
        {
            stdout.WriteLine(Usage);
            return CommandLineTool.ExitSuccess;
        }

        if (!TryParse(args, out Options options, out string? problem))
        {
            stderr.WriteLine($"error: {problem}");
            stderr.WriteLine(Usage);
            return CommandLineTool.ExitUsage;
        }

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
            var progress = new ProgressLine(stderr, enabled: !options.Quiet && !Console.IsErrorRedirected && ReferenceEquals(stderr, Console.Error));
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

    private static async Task RunAsync(Options options, TextWriter stdout, TextWriter stderr, ProgressLine progress, CancellationToken ct)
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
            progress.Report($"running {options.Partitions} partitions of {input.RowCount:N0} rows, {options.Parallelism} at once");
            output = await bridge.MapPartitionsAsync(input.Repartition(options.Partitions), code, options.Context, options.Parallelism, ct).ConfigureAwait(false);
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
        progress.Done();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{output.RowCount:N0} rows written to {options.Output} in {stopwatch.Elapsed.TotalSeconds:F1} s"));
    }

    private static bool IsCsv(string path) => path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);

    private static ArrowFrame Load(Options options) =>
        IsCsv(options.Input!) ? ArrowFrame.LoadCsv(options.Input!) : ArrowFrame.FromArrow(File.OpenRead(options.Input!));

    private static IEnumerable<RecordBatch> Stream(Options options)
    {
        if (IsCsv(options.Input!))
        {
            foreach (RecordBatch batch in ArrowFrame.ReadCsvPartitions(options.Input!))
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
            output.SaveCsv(temp);
        }
        else
        {
            using FileStream file = File.Create(temp);
            output.WriteArrow(file);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static bool TryParse(string[] args, out Options options, out string? problem)
    {
        options = new Options();
        problem = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "--quiet" or "--verbose" or "--require-pandas")
            {
                _ = arg switch
                {
                    "--quiet" => options.Quiet = true,
                    "--verbose" => options.Verbose = true,
                    _ => options.RequirePandas = true,
                };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                problem = $"{arg} needs a value";
                return false;
            }

            string value = args[++i];
            switch (arg)
            {
                case "--input":
                    options.Input = value;
                    break;
                case "--script":
                    options.Script = value;
                    break;
                case "--output":
                    options.Output = value;
                    break;
                case "--python":
                    options.Python = value;
                    break;
                case "--owner":
                    options.Context.Owner = value;
                    break;
                case "--group-id":
                    options.Context.GroupId = value;
                    break;
                case "--context":
                    int eq = value.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        problem = $"--context takes KEY=VALUE, not '{value}'";
                        return false;
                    }

                    options.Context[value[..eq]] = value[(eq + 1)..];
                    break;
                case "--partitions" or "--parallelism" or "--memory-limit" or "--batch-rows":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || (n <= 0 && arg != "--memory-limit"))
                    {
                        problem = $"{arg} takes a positive integer, not '{value}'";
                        return false;
                    }

                    _ = arg switch
                    {
                        "--partitions" => options.Partitions = n,
                        "--parallelism" => options.Parallelism = n,
                        "--memory-limit" => options.MemoryLimitMb = n,
                        _ => options.BatchRows = n,
                    };
                    break;
                default:
                    problem = $"unknown option '{arg}'";
                    return false;
            }
        }

        problem = options.Input is null ? "--input is required"
            : options.Script is null ? "--script is required"
            : options.Output is null ? "--output is required"
            : null;
        return problem is null;
    }

    /// <summary>
    /// The bridge's log as lines on stderr (<c>warning: …</c>), from <paramref name="minimum"/> up: warnings by
    /// default (a script that never set its output, a restarted daemon), everything from Information with
    /// <c>--verbose</c> (which Python runs, the script's prints). One lock: runs log from several threads.
    /// </summary>
    private sealed class StderrLogger(TextWriter stderr, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // 105 (the daemon could not start) is the exception the command prints anyway.
            if (!IsEnabled(logLevel) || eventId.Id == 105)
            {
                return;
            }

            string level = logLevel switch
            {
                LogLevel.Warning => "warning",
                LogLevel.Error or LogLevel.Critical => "error",
                _ => "info",
            };
            lock (stderr)
            {
                stderr.WriteLine($"{level}: {formatter(state, exception)}");
            }
        }
    }

    /// <summary>One self-overwriting status line on a terminal's stderr, at most every 200 ms; silent otherwise.</summary>
    private sealed class ProgressLine(TextWriter stderr, bool enabled)
    {
        private long _last;

        public void Report(long rowsIn, long rowsOut)
        {
            if (enabled)
            {
                Report(string.Create(CultureInfo.InvariantCulture, $"{rowsIn:N0} rows sent, {rowsOut:N0} received"));
            }
        }

        public void Report(string status)
        {
            if (!enabled || Stopwatch.GetElapsedTime(_last).TotalMilliseconds < 200)
            {
                return;
            }

            _last = Stopwatch.GetTimestamp();
            stderr.Write($"\r{status,-78}");
        }

        public void Done()
        {
            if (enabled)
            {
                stderr.Write('\r' + new string(' ', 78) + '\r');
            }
        }
    }
}
