using DataBridge.Arrow;
using DataBridge.Ipc;
using DataBridge.Tests.Cli;
using DataBridge.Cli.Canonical;

namespace DataBridge.Tests.Interop;

/// <summary>
/// Issue 2, acceptance 4: streams written by apache-arrow (JS, <c>tests/interop/write_matrix.mjs</c>) read
/// by DataBridge, and streams written by DataBridge read by apache-arrow, all equal. The matrix covers every
/// supported type with nulls, empty and multiple batches, slices, dictionary replacement and deltas.
/// </summary>
public class JsInteropTests
{
    /// <summary>The cases write_matrix.mjs writes (a test checks the script agrees).</summary>
    private static readonly string[] Cases =
    [
        "primitive", "binary", "temporal", "decimal", "nested", "union", "dictionary", "dictionary_delta",
        "sliced_primitive", "sliced_binary", "sliced_nested", "sliced_dictionary", "metadata",
        "only_empty_batches", "no_batches", "many_batches",
    ];

    private string? _matrix;
    private string? _unavailable;

    public static IEnumerable<string> MatrixCases() => Cases;

    [OneTimeSetUp]
    public void WriteMatrixWithApacheArrowJs()
    {
        string? root = Oracle.RepoRoot;
        string interop = root is null ? string.Empty : Path.Combine(root, "tests", "interop");
        if (root is null || !Directory.Exists(Path.Combine(interop, "node_modules", "apache-arrow")))
        {
            _unavailable = "tests/interop/node_modules is missing: run `npm ci` in tests/interop (.ci/run does).";
            return;
        }

        _matrix = Path.Combine(Path.GetTempPath(), $"databridge-js-matrix-{Guid.NewGuid():N}");
        ProcessResult result;
        try
        {
            result = Oracle.Run("node", [Path.Combine(interop, "write_matrix.mjs"), _matrix], interop);
        }
        catch (InvalidOperationException e)
        {
            _unavailable = $"node could not be started: {e.Message}";
            return;
        }

        Assert.That(result.ExitCode, Is.Zero, $"write_matrix.mjs failed:\n{result.StdErr}");
    }

    [OneTimeTearDown]
    public void DeleteMatrix()
    {
        if (_matrix is not null && Directory.Exists(_matrix))
        {
            Directory.Delete(_matrix, recursive: true);
        }
    }

    private string RequireMatrix(string name)
    {
        if (_unavailable is not null)
        {
            Assert.Ignore(_unavailable);
        }

        Oracle.RequireOracle();
        string path = Path.Combine(_matrix!, name + ".arrows");
        Assert.That(File.Exists(path), Is.True, $"write_matrix.mjs did not write {name}.arrows");
        return path;
    }

    [Test]
    public void Matrix_WritesExactlyTheKnownCases()
    {
        RequireMatrix(Cases[0]);
        string[] written = [.. Directory.EnumerateFiles(_matrix!, "*.arrows").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];
        Assert.That(written, Is.EqualTo(Cases.Order(StringComparer.Ordinal)));
    }

    [TestCaseSource(nameof(MatrixCases))]
    public void JsWritten_DataBridgeReads_EqualToJsReading(string name)
    {
        string js = RequireMatrix(name);
        CliResult result = Tool.Run("arrow", "to-json", js);
        Assert.That(result.ExitCode, Is.Zero, result.StdErr);
        using var temp = new TempFiles();
        string ours = temp.TempPath(".json");
        File.WriteAllText(ours, result.StdOut);
        Oracle.AssertEqual(js, ours, "--strict");
    }

    [TestCaseSource(nameof(MatrixCases))]
    public void DataBridgeWrittenFromCanonicalJson_JsReads_Equal(string name)
    {
        string js = RequireMatrix(name);
        using var temp = new TempFiles();
        // The canonical JSON of the JS stream as apache-arrow reads it, written back by DataBridge.
        string canonical = temp.TempPath(".json");
        ProcessResult read = Oracle.Read(js);
        Assert.That(read.ExitCode, Is.Zero, read.StdErr);
        File.WriteAllText(canonical, read.StdOut);
        string ours = temp.TempPath(".arrows");
        CliResult result = Tool.Run("arrow", "from-json", canonical, ours);
        Assert.That(result.ExitCode, Is.Zero, result.StdErr);
        Oracle.AssertEqual(js, ours);
        AssertFramesClean(ours);
    }

    [TestCaseSource(nameof(MatrixCases))]
    public void DataBridgeWrittenSlicedBatches_JsReads_Equal(string name)
    {
        string js = RequireMatrix(name);
        ProcessResult read = Oracle.Read(js);
        Assert.That(read.ExitCode, Is.Zero, read.StdErr);
        CanonicalJsonContent content = CanonicalJson.Parse(read.StdOut);
        // Arrays built in C#, then sliced at odd offsets: the writer must re-base bitmaps and offsets.
        List<RecordBatch> sliced = [.. content.Batches.Select(b => b.Length > 2 ? b.Slice(1, b.Length - 2) : b)];
        using var temp = new TempFiles();
        string expected = temp.TempPath(".json");
        File.WriteAllText(expected, CanonicalJson.ToJson(content.Schema, sliced));
        string ours = temp.TempPath(".arrows");
        using (FileStream file = File.Create(ours))
        using (var writer = new ArrowIpcWriter(file, content.Schema))
        {
            foreach (RecordBatch batch in sliced)
            {
                writer.WriteRecordBatch(batch);
            }

            writer.WriteEnd();
        }

        Oracle.AssertEqual(expected, ours);
        AssertFramesClean(ours);
    }

    [Test]
    public void DataBridgeWrittenFromBuilders_JsReads_ExpectedValues()
    {
        Oracle.RequireOracle();
        var ints = new Int32Array.Builder();
        ints.Append(1).AppendNull().Append(int.MinValue);
        var strings = new StringArray.Builder();
        strings.Append("é").Append(string.Empty).AppendNull();
        var listType = new ListType(Int64Type.Default);
        // [[7, max], null, []]: offsets 0, 2, 2, 2; slot 1 null.
        var lists = new ListArray(
            listType,
            3,
            new ArrowBuffer.Builder<int>().Append(0).Append(2).Append(2).Append(2).Build(),
            new Int64Array.Builder().Append(7).Append(long.MaxValue).Build(),
            new ArrowBuffer.BitmapBuilder().Append(true).Append(false).Append(true).Build(),
            nullCount: 1);

        // Apache.Arrow's DictionaryType has no id: the writer numbers dictionary fields in schema order (0).
        var dictionaryType = new DictionaryType(Int16Type.Default, StringType.Default, ordered: true);
        var dictionary = new DictionaryArray(
            dictionaryType,
            new Int16Array.Builder().Append(0).Append(1).Append(0).Build(),
            new StringArray.Builder().Append("x").Append("y").Build());
        var schema = new Schema(
            [
                new Field("i", Int32Type.Default, true), new Field("s", StringType.Default, true), new Field("l", listType, true), new Field("d", dictionaryType, false),
            ],
            null);
        using var batch = new RecordBatch(schema, [ints.Build(), strings.Build(), lists, dictionary], 3);
        using var temp = new TempFiles();
        string ours = temp.TempPath(".arrows");
        using (FileStream file = File.Create(ours))
        using (var writer = new ArrowIpcWriter(file, schema))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteRecordBatch(batch.Slice(1, 2));
            writer.WriteEnd();
        }

        const string Int32Json = "{\"name\":\"int\",\"bitWidth\":32,\"isSigned\":true}";
        string expected = temp.TempPath(".json");
        File.WriteAllText(expected, $$"""
            {"schema":{"endianness":"Little","fields":[
              {"name":"i","nullable":true,"type":{{Int32Json}},"children":[],"metadata":[]},
              {"name":"s","nullable":true,"type":{"name":"utf8"},"children":[],"metadata":[]},
              {"name":"l","nullable":true,"type":{"name":"list"},"children":[
                {"name":"item","nullable":true,"type":{"name":"int","bitWidth":64,"isSigned":true},"children":[],"metadata":[]}],"metadata":[]},
              {"name":"d","nullable":false,"type":{"name":"utf8"},"children":[],
               "dictionary":{"id":0,"indexType":{"name":"int","bitWidth":16,"isSigned":true},"isOrdered":true},"metadata":[]}],"metadata":[]},
             "batches":[
              {"length":3,"columns":[[1,null,-2147483648],["é","",null],[["7","9223372036854775807"],null,[]],["x","y","x"]]},
              {"length":2,"columns":[[null,-2147483648],["",null],[null,[]],["y","x"]]}]}
            """);
        Oracle.AssertEqual(expected, ours);
        AssertFramesClean(ours);
    }

    [Test]
    public void Inspect_JsDictionaryDelta_ShowsReplacementThenDelta()
    {
        string js = RequireMatrix("dictionary_delta");
        CliResult result = Tool.Run("arrow", "inspect", js);
        Assert.That(result.ExitCode, Is.Zero, result.StdErr);
        Assert.That(result.StdOut, Does.Contain("DictionaryBatch id=7 replacement rows=4")
            .And.Contain("DictionaryBatch id=7 delta rows=3")
            .And.Contain("2 dictionary batches (1 deltas), 3 record batches, 26 rows"));
    }

    private static void AssertFramesClean(string stream)
    {
        ProcessResult frames = Oracle.Read("--frames", stream);
        Assert.That(frames.ExitCode, Is.Zero, $"read.mjs --frames found problems:\n{frames.StdOut}\n{frames.StdErr}");
    }
}
