using System.CommandLine;
using System.Text.Json;
using DataBridge.Cli.Canonical;
using DataBridge.Cli.Inspection;
using DataBridge.Ipc;

namespace DataBridge.Cli.Commands;

/// <summary>
/// <c>databridge arrow</c>: <c>to-json [--compact] FILE|-</c> (the canonical JSON of an Arrow IPC stream or file,
/// see <see cref="CanonicalJson"/>), <c>from-json JSON|- OUT|-</c> (an Arrow IPC stream holding the data of a
/// canonical JSON file) and <c>inspect FILE|-</c> (a stream message by message, <see cref="StreamInspector"/>).
/// </summary>
/// <remarks>Exit codes: 0 success; 1 bad input (one line starting <c>error:</c> on stderr); 3 an internal
/// failure (one <c>error: internal:</c> line). Usage errors (2) are the parser's.</remarks>
internal static class ArrowCommands
{
    /// <summary>The <c>arrow</c> command and its three subcommands.</summary>
    public static Command Create()
    {
        var compact = new Option<bool>("--compact") { Description = "one line instead of one value per line", Arity = ArgumentArity.Zero };
        Argument<string> toJsonFile = Input("an Arrow IPC stream or file, or - for stdin");
        var toJson = new Command("to-json", "Prints the canonical JSON of an Arrow IPC stream or file on stdout.") { compact, toJsonFile };
        toJson.SetAction(result => Guarded(result, stdout => ToJson(result.GetRequiredValue(toJsonFile), stdout, !result.GetValue(compact))));

        Argument<string> json = Operand("JSON|-", "a canonical JSON document, or - for stdin");
        Argument<string> output = Operand("OUT|-", "the stream to write, or - for stdout");
        var fromJson = new Command("from-json", "Writes an Arrow IPC stream holding the data of a canonical JSON document.") { json, output };
        fromJson.SetAction(result => Guarded(result, stdout => FromJson(result.GetRequiredValue(json), result.GetRequiredValue(output), stdout)));

        Argument<string> inspectFile = Input("an Arrow IPC stream or file, or - for stdin");
        var inspect = new Command("inspect", "Prints the schema and every message of an Arrow IPC stream or file.") { inspectFile };
        inspect.SetAction(result => Guarded(result, stdout => StreamInspector.Inspect(ReadInput(result.GetRequiredValue(inspectFile)), stdout)));

        var arrow = new Command("arrow", "Looks at Arrow IPC streams, or makes one: to-json, from-json, inspect.") { toJson, fromJson, inspect };
        arrow.SetAction(result => CommandLineTool.UsageError(result, "arrow needs a command: to-json, from-json or inspect", result.InvocationConfiguration.Error));
        return arrow;
    }

    private static Argument<string> Input(string description) => Operand("FILE|-", description);

    // A file name, or '-'; anything else starting with '-' is an option this command does not have.
    private static Argument<string> Operand(string name, string description)
    {
        var operand = new Argument<string>(name) { Description = description };
        operand.Validators.Add(result =>
        {
            if (result.Tokens.Select(t => t.Value).FirstOrDefault(CommandLineTool.IsOptionLike) is { } option)
            {
                result.AddError($"unknown option '{option}'");
            }
        });
        return operand;
    }

    // Every failure ends as one error line and an exit code; no stack trace.
    private static int Guarded(ParseResult result, Action<TextWriter> command)
    {
        TextWriter stderr = result.InvocationConfiguration.Error;
        try
        {
            command(result.InvocationConfiguration.Output);
            return CommandLineTool.ExitSuccess;
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
            stderr.WriteLine($"error: internal: {e.GetType().Name}: {CommandLineTool.OneLine(e.Message)}");
            return CommandLineTool.ExitInternal;
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

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {CommandLineTool.OneLine(message)}");
        return CommandLineTool.ExitBadInput;
    }
}
