using System.Text.Json;
using DataBridge.Ipc;

namespace DataBridge.Tooling;

/// <summary>
/// The commands of the <c>databridge</c> command-line tool, callable in-process (tests, hosts) as well as
/// from the executable.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>arrow to-json [--compact] FILE|-</c>: the canonical JSON (<see cref="CanonicalJson"/>) of an Arrow IPC stream or file.</item>
/// <item><c>arrow from-json JSON|- OUT|-</c>: writes an Arrow IPC stream holding the data of a canonical JSON file.</item>
/// <item><c>arrow inspect FILE|-</c>: a readable summary of a stream (or file): schema and each message with its kind and sizes.</item>
/// </list>
/// <c>run --input FILE --script FILE.py --output FILE [options]</c>: runs a Python script over a CSV or Arrow file
/// (exit codes of <c>run</c> also include 4 = the Python code raised, 5 = a worker crashed, 130 = cancelled).
/// Exit codes: 0 success; 1 bad input (one line starting <c>error:</c> on stderr); 2 bad usage (usage on
/// stderr); 3 an internal failure (a bug: one <c>error: internal:</c> line).
/// </remarks>
public static class CommandLineTool
{
    /// <summary>Exit code of a successful command.</summary>
    public const int ExitSuccess = 0;

    /// <summary>Exit code when the input is malformed, unsupported or unreadable.</summary>
    public const int ExitBadInput = 1;

    /// <summary>Exit code when the command line itself is wrong.</summary>
    public const int ExitUsage = 2;

    /// <summary>Exit code of an unexpected internal failure.</summary>
    public const int ExitInternal = 3;

    private const string Usage = """
        usage: databridge run --input FILE --script FILE.py --output FILE [options]   (databridge run --help)
               databridge arrow to-json [--compact] FILE|-    canonical JSON of an Arrow IPC stream or file, on stdout
               databridge arrow from-json JSON|- OUT|-        write an Arrow IPC stream from canonical JSON
               databridge arrow inspect FILE|-                schema and messages of an Arrow IPC stream
               databridge --help
        '-' reads stdin (or writes stdout for OUT). Exit codes: 0 ok, 1 bad input, 2 bad usage, 3 internal error.
        """;

    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments, e.g. <c>arrow to-json FILE</c>.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where errors go: one line starting <c>error:</c>.</param>
    /// <returns>0 on success, 1 on bad input, 2 on bad usage, 3 on an internal failure.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 1 && args[0] is "--help" or "-h" or "help")
        {
            stdout.WriteLine(Usage);
            return ExitSuccess;
        }

        if (args.Length > 0 && args[0] == "run")
        {
            return RunCommand.Execute(args[1..], stdout, stderr);
        }

        if (args.Length < 2 || args[0] != "arrow")
        {
            return UsageError(stderr, args.Length == 0 ? "no command given" : $"unknown command '{string.Join(' ', args.Take(2))}'");
        }

        string[] operands = args[2..];
        try
        {
            switch (args[1])
            {
                case "to-json":
                {
                    bool compact = operands.Contains("--compact");
                    string[] files = [.. operands.Where(a => a != "--compact")];
                    if (files.Length != 1)
                    {
                        return UsageError(stderr, "to-json takes one FILE (or -)");
                    }

                    ToJson(files[0], stdout, !compact);
                    return ExitSuccess;
                }

                case "from-json":
                    if (operands.Length != 2)
                    {
                        return UsageError(stderr, "from-json takes JSON and OUT");
                    }

                    FromJson(operands[0], operands[1], stdout);
                    return ExitSuccess;
                case "inspect":
                    if (operands.Length != 1)
                    {
                        return UsageError(stderr, "inspect takes one FILE (or -)");
                    }

                    StreamInspector.Inspect(ReadInput(operands[0]), stdout);
                    return ExitSuccess;
                default:
                    return UsageError(stderr, $"unknown command 'arrow {args[1]}'");
            }
        }
        catch (UnsupportedArrowFeatureException e)
        {
            return Fail(stderr, string.IsNullOrEmpty(e.Feature) ? $"unsupported: {e.Message}" : $"unsupported feature '{e.Feature}': {e.Message}");
        }
        catch (ArrowFormatException e)
        {
            return Fail(stderr, $"invalid Arrow stream: {e.Message}");
        }
        catch (JsonException e)
        {
            return Fail(stderr, $"invalid JSON: {e.Message}");
        }
        catch (IOException e)
        {
            return Fail(stderr, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(stderr, e.Message);
        }
#pragma warning disable CA1031 // The tool must end with one error line and an exit code, whatever the bug.
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"error: internal: {e.GetType().Name}: {OneLine(e.Message)}");
            return ExitInternal;
        }
    }

    private static void ToJson(string path, TextWriter stdout, bool indented)
    {
        // The whole input in memory: the reader then checks every length against what the input really
        // holds (no allocation sized by an unchecked number) and slices bodies without copying. All batches
        // are read before any output, so a bad stream prints nothing but its error line; they are views of
        // the input, so holding them costs little.
        // An Arrow file (ARROW1) is read too: the reader detects its magic.
        ReadOnlyMemory<byte> input = ReadInput(path);
        using var reader = new ArrowIpcReader(input);
        Schema schema = reader.Schema;
        // Apache.Arrow's DictionaryType has no id: the ids are those the stream's Schema message declares.
        List<long>? dictionaryIds = StreamDictionaryIds.Read(input);
        var batches = new List<RecordBatch>();
        try
        {
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                batches.Add(batch);
            }

            CanonicalJson.Write(schema, batches, stdout, indented, dictionaryIds);
        }
        finally
        {
            foreach (RecordBatch batch in batches)
            {
                batch.Dispose();
            }
        }
    }

    private static void FromJson(string jsonPath, string outPath, TextWriter stdout)
    {
        CanonicalJsonContent content;
        using (Stream input = jsonPath == "-" ? Console.OpenStandardInput() : File.OpenRead(jsonPath))
        {
            content = CanonicalJson.Read(input);
        }

        if (content.Endianness == "Big")
        {
            throw new UnsupportedArrowFeatureException("big-endian", "Writing big-endian streams is not supported (the canonical JSON says schema.endianness = Big).");
        }

        if (outPath == "-")
        {
            stdout.Flush();
            using Stream console = Console.OpenStandardOutput();
            WriteStream(content, console);
            return;
        }

        // Written in memory first so that a failure leaves no half-written file behind.
        using var buffer = new MemoryStream();
        WriteStream(content, buffer);
        using FileStream file = File.Create(outPath);
        buffer.Position = 0;
        buffer.CopyTo(file);
    }

    private static void WriteStream(CanonicalJsonContent content, Stream destination)
    {
        using var writer = new ArrowIpcWriter(destination, content.Schema, null, leaveOpen: true);
        foreach (RecordBatch batch in content.Batches)
        {
            writer.WriteRecordBatch(batch);
        }

        writer.WriteEnd();
    }

    private static ReadOnlyMemory<byte> ReadInput(string path)
    {
        if (path != "-")
        {
            return File.ReadAllBytes(path);
        }

        using Stream stdin = Console.OpenStandardInput();
        using var copy = new MemoryStream();
        stdin.CopyTo(copy);
        return copy.GetBuffer().AsMemory(0, (int)copy.Length);
    }

    private static int UsageError(TextWriter stderr, string problem)
    {
        stderr.WriteLine($"error: {problem}");
        stderr.WriteLine(Usage);
        return ExitUsage;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {OneLine(message)}");
        return ExitBadInput;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
