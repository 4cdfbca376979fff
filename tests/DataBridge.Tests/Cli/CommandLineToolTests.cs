using System.Text.Json.Nodes;
using DataBridge.Tests.Interop;

namespace DataBridge.Tests.Cli;

/// <summary>The <c>databridge arrow</c> commands: usage, round trips and clean errors (no oracle needed).</summary>
public class CommandLineToolTests
{
    private const string SmallDocument = """
        {"schema":{"endianness":"Little","fields":[
           {"name":"i","nullable":true,"type":{"name":"int","bitWidth":64,"isSigned":true},"children":[],"metadata":[["k","v"]]},
           {"name":"d","nullable":true,"type":{"name":"utf8"},"children":[],
            "dictionary":{"id":0,"indexType":{"name":"int","bitWidth":16,"isSigned":true},"isOrdered":false},"metadata":[]}],
          "metadata":[["origin","test"]]},
         "batches":[{"length":3,"columns":[["1",null,"-3"],["a","b","a"]]},{"length":0,"columns":[[],[]]}]}
        """;

    [Test]
    public void Help_PrintsUsage_ExitsZero()
    {
        CliResult result = Tool.Run("--help");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(result.StdOut, Does.Contain("to-json").And.Contain("from-json").And.Contain("inspect"));
        });
    }

    [TestCase]
    [TestCase("arrow")]
    [TestCase("arrow", "to-json")]
    [TestCase("arrow", "frobnicate", "x")]
    [TestCase("arrow", "from-json", "only-one")]
    [TestCase("sql", "x")]
    public void BadUsage_ExitsTwoWithUsage(params string[] args)
    {
        CliResult result = Tool.Run(args);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.StdErr, Does.StartWith("error:").And.Contain("Usage:"));
        });
    }

    [Test]
    public void ToJson_MissingFile_CleanError()
    {
        Tool.AssertCleanError(Tool.Run("arrow", "to-json", Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.arrows")));
    }

    [Test]
    public void ToJson_Garbage_CleanError()
    {
        using var temp = new TempFiles();
        string path = temp.TempPath(".arrows");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0x10, 0, 0, 0, 1, 2, 3]);
        Tool.AssertCleanError(Tool.Run("arrow", "to-json", path));
        Tool.AssertCleanError(Tool.Run("arrow", "inspect", path));
    }

    [Test]
    public void FromJson_InvalidJson_CleanErrorAndNoOutputFile()
    {
        using var temp = new TempFiles();
        string json = temp.TempPath(".json");
        string output = temp.TempPath(".arrows");
        File.WriteAllText(json, """{"schema":{"fields":[{"name":"x","type":{"name":"int","bitWidth":7}}]},"batches":[]}""");
        CliResult result = Tool.Run("arrow", "from-json", json, output);
        Tool.AssertCleanError(result);
        Assert.Multiple(() =>
        {
            Assert.That(result.StdErr, Does.Contain("$.schema.fields[0].type"));
            Assert.That(File.Exists(output), Is.False);
        });
    }

    [Test]
    public void FromJson_TypeApacheArrowCannotHold_RefusedByName()
    {
        using var temp = new TempFiles();
        string json = temp.TempPath(".json");
        File.WriteAllText(json, """{"schema":{"fields":[{"name":"v","nullable":true,"type":{"name":"struct"},"children":[]}]},"batches":[]}""");
        CliResult result = Tool.Run("arrow", "from-json", json, temp.TempPath(".arrows"));
        Tool.AssertCleanError(result);
        Assert.That(result.StdErr, Does.Contain("struct without fields"));
    }

    [Test]
    public void FromJsonThenToJson_NewerTypes_RoundTrip()
    {
        const string document = """
            {"schema":{"endianness":"Little","fields":[
               {"name":"sv","nullable":true,"type":{"name":"utf8view"},"children":[],"metadata":[]},
               {"name":"lv","nullable":true,"type":{"name":"listview"},"children":[
                 {"name":"item","nullable":true,"type":{"name":"int","bitWidth":8,"isSigned":true},"children":[],"metadata":[]}],"metadata":[]},
               {"name":"r","nullable":true,"type":{"name":"runendencoded"},"children":[
                 {"name":"run_ends","nullable":false,"type":{"name":"int","bitWidth":32,"isSigned":true},"children":[],"metadata":[]},
                 {"name":"values","nullable":true,"type":{"name":"bool"},"children":[],"metadata":[]}],"metadata":[]},
               {"name":"d","nullable":true,"type":{"name":"decimal","precision":9,"scale":3,"bitWidth":32},"children":[],"metadata":[]}],
              "metadata":[]},
             "batches":[{"length":3,"columns":[["a",null,"a string longer than twelve"],[[1],null,[2,null]],[true,true,null],["1",null,"-999999999"]]}]}
            """;
        using var temp = new TempFiles();
        string json = temp.TempPath(".json");
        string stream = temp.TempPath(".arrows");
        File.WriteAllText(json, document);
        CliResult write = Tool.Run("arrow", "from-json", json, stream);
        Assert.That(write.ExitCode, Is.Zero, write.StdErr);
        CliResult read = Tool.Run("arrow", "to-json", stream);
        Assert.That(read.ExitCode, Is.Zero, read.StdErr);
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(read.StdOut), JsonNode.Parse(document)), Is.True, read.StdOut);
    }

    [Test]
    public void FromJsonThenToJson_RoundTripsTheDocument()
    {
        using var temp = new TempFiles();
        string json = temp.TempPath(".json");
        string stream = temp.TempPath(".arrows");
        File.WriteAllText(json, SmallDocument);
        CliResult write = Tool.Run("arrow", "from-json", json, stream);
        Assert.That(write.ExitCode, Is.Zero, write.StdErr);
        CliResult read = Tool.Run("arrow", "to-json", "--compact", stream);
        Assert.That(read.ExitCode, Is.Zero, read.StdErr);
        Assert.Multiple(() =>
        {
            Assert.That(read.StdOut.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "--compact writes one line");
            Assert.That(JsonNode.DeepEquals(JsonNode.Parse(read.StdOut), JsonNode.Parse(SmallDocument)), Is.True, read.StdOut);
        });
    }

    [Test]
    public void ToJsonAndInspect_ArrowFile_ReadThroughTheStreamItHolds()
    {
        using var temp = new TempFiles();
        string file = temp.TempPath(".arrow");
        DataBridge.Cli.Canonical.CanonicalJsonContent content = DataBridge.Cli.Canonical.CanonicalJson.Parse(SmallDocument);
        using (FileStream output = File.Create(file))
        using (var writer = new Apache.Arrow.Ipc.ArrowFileWriter(output, content.Schema))
        {
            foreach (RecordBatch batch in content.Batches)
            {
                writer.WriteRecordBatch(batch);
            }

            writer.WriteEnd();
        }

        CliResult json = Tool.Run("arrow", "to-json", file);
        CliResult inspect = Tool.Run("arrow", "inspect", file);
        Assert.Multiple(() =>
        {
            Assert.That(json.ExitCode, Is.Zero, json.StdErr);
            Assert.That(JsonNode.DeepEquals(JsonNode.Parse(json.StdOut), JsonNode.Parse(SmallDocument)), Is.True, json.StdOut);
            Assert.That(inspect.ExitCode, Is.Zero, inspect.StdErr);
            Assert.That(inspect.StdOut, Does.StartWith("file (ARROW1)").And.Contain("#0 @8: Schema").And.Contain("footer"));
        });
    }

    [Test]
    public void Inspect_DescribesSchemaAndEveryMessage()
    {
        using var temp = new TempFiles();
        string json = temp.TempPath(".json");
        string stream = temp.TempPath(".arrows");
        File.WriteAllText(json, SmallDocument);
        Assert.That(Tool.Run("arrow", "from-json", json, stream).ExitCode, Is.Zero);
        CliResult result = Tool.Run("arrow", "inspect", stream);
        Assert.That(result.ExitCode, Is.Zero, result.StdErr);
        Assert.That(result.StdOut, Does.Contain("Schema")
            .And.Contain("i: int64")
            .And.Contain("dictionary id=0")
            .And.Contain("DictionaryBatch id=0")
            .And.Contain("RecordBatch rows=3")
            .And.Contain("RecordBatch rows=0")
            .And.Contain("end-of-stream")
            .And.Contain("2 record batches, 3 rows"));
    }

    [Test]
    public void Inspect_CompressedGoldStream_ShowsCodecWithoutDecodingBodies()
    {
        string stream = Path.Combine(Oracle.RequireInterop(), "gold", "versions", "2.0.0-compression", "generated_lz4.stream");
        CliResult result = Tool.Run("arrow", "inspect", stream);
        Assert.That(result.ExitCode, Is.Zero, result.StdErr);
        Assert.That(result.StdOut, Does.Contain("compressed LZ4_FRAME"));
    }
}
