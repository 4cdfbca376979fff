using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataBridge.Cli.Canonical;

namespace DataBridge.Tests.Cli;

/// <summary>Building arrays from canonical JSON: buffers, dictionaries, and errors that name the JSON path.</summary>
public class CanonicalJsonReaderTests
{
    private static string Doc(string fields, params string[] batches) =>
        $$"""{"schema":{"endianness":"Little","fields":[{{fields}}],"metadata":[]},"batches":[{{string.Join(',', batches)}}]}""";

    private static string F(string name, string type, string extra = "", bool nullable = true) =>
        $$"""{"name":"{{name}}","nullable":{{(nullable ? "true" : "false")}},"type":{{type}},"children":[{{extra}}],"metadata":[]}""";

    private static string Dict(string name, string type, int id, string indexType = """{"name":"int","bitWidth":8,"isSigned":true}""") =>
        $$"""{"name":"{{name}}","nullable":true,"type":{{type}},"children":[],"dictionary":{"id":{{id}},"indexType":{{indexType}},"isOrdered":true},"metadata":[]}""";

    private const string Int32 = """{"name":"int","bitWidth":32,"isSigned":true}""";
    private const string Utf8 = """{"name":"utf8"}""";

    private static T[] As<T>(ArrowBuffer buffer)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(buffer.Span).ToArray();

    private static bool IsNull(ArrayData data, int index) => ArrowArrayFactory.BuildArray(data).IsNull(index);

    [Test]
    public void Parse_PrimitiveColumn_OmitsValidityWithoutNulls_BuildsOffsets()
    {
        CanonicalJsonContent content = CanonicalJson.Parse(Doc(F("i", Int32) + "," + F("s", Utf8),
            """{"length":3,"columns":[[1,2,3],["a",null,"bc"]]}"""));
        ArrayData ints = content.Batches[0].Column(0).Data;
        ArrayData strings = content.Batches[0].Column(1).Data;
        Assert.Multiple(() =>
        {
            Assert.That(ints.Buffers[0].IsEmpty, Is.True);
            Assert.That(ints.NullCount, Is.Zero);
            Assert.That(As<int>(ints.Buffers[1]), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(strings.NullCount, Is.EqualTo(1));
            Assert.That(strings.Buffers[0].Span[0], Is.EqualTo(0b101));
            Assert.That(As<int>(strings.Buffers[1]), Is.EqualTo(new[] { 0, 1, 1, 3 }));
        });
    }

    [Test]
    public void Parse_Dictionary_OneSharedDictionaryPerIdAcrossBatchesAndFields()
    {
        CanonicalJsonContent content = CanonicalJson.Parse(Doc(Dict("a", Utf8, 3) + "," + Dict("b", Utf8, 3),
            """{"length":2,"columns":[["x","y"],["y",null]]}""",
            """{"length":2,"columns":[["z","x"],["z","z"]]}"""));
        ArrayData a0 = content.Batches[0].Column(0).Data;
        ArrayData b1 = content.Batches[1].Column(1).Data;
        var type = (DictionaryType)content.Schema.FieldsList[0].DataType;
        Assert.Multiple(() =>
        {
            // Apache.Arrow's DictionaryType has no id: the document's ids travel beside the schema.
            Assert.That(content.DictionaryIds, Is.EqualTo(new long[] { 3, 3 }));
            Assert.That(type.Ordered, Is.True);
            Assert.That(type.IndexType, Is.InstanceOf<Int8Type>());
            Assert.That(a0.Dictionary, Is.SameAs(b1.Dictionary));
            Assert.That(a0.Dictionary!.Length, Is.EqualTo(3));
            Assert.That(As<sbyte>(a0.Buffers[1]), Is.EqualTo(new sbyte[] { 0, 1 }));
            Assert.That(As<sbyte>(b1.Buffers[1]), Is.EqualTo(new sbyte[] { 2, 2 }));
        });
    }

    [Test]
    public void Parse_DictionaryWithMoreValuesThanIndexTypeAddresses_ThrowsJsonException()
    {
        string values = string.Join(',', Enumerable.Range(0, 300).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        string json = Doc(Dict("d", Int32, 0), $$"""{"length":300,"columns":[[{{values}}]]}""");
        Assert.Throws<JsonException>(() => CanonicalJson.Parse(json));
    }

    [Test]
    public void Parse_SparseUnion_FillsOtherChildrenWithNulls()
    {
        string union = """{"name":"union","mode":"SPARSE","typeIds":[4,9]}""";
        CanonicalJsonContent content = CanonicalJson.Parse(Doc(F("u", union, F("i", Int32) + "," + F("s", Utf8)),
            """{"length":2,"columns":[[[4,7],[9,"q"]]]}"""));
        ArrayData u = content.Batches[0].Column(0).Data;
        Assert.Multiple(() =>
        {
            // Apache.Arrow's unions have no validity buffer: the type ids come first.
            Assert.That(As<sbyte>(u.Buffers[0]), Is.EqualTo(new sbyte[] { 4, 9 }));
            Assert.That(IsNull(u.Children[0], 1), Is.True);
            Assert.That(IsNull(u.Children[1], 0), Is.True);
            Assert.That(u.Children[0].Length, Is.EqualTo(2));
        });
    }

    [Test]
    public void Parse_ThenWrite_ReproducesEveryValueRule()
    {
        string decimal128 = """{"name":"decimal","precision":38,"scale":2,"bitWidth":128}""";
        string f16 = """{"name":"floatingpoint","precision":"HALF"}""";
        string u64 = """{"name":"int","bitWidth":64,"isSigned":false}""";
        string interval = """{"name":"interval","unit":"MONTH_DAY_NANO"}""";
        string fsb = """{"name":"fixedsizebinary","byteWidth":2}""";
        string map = """{"name":"map","keysSorted":false}""";
        string entries = F("entries", """{"name":"struct"}""", F("key", Utf8, nullable: false) + "," + F("value", Int32), nullable: false);
        string structType = """{"name":"struct"}""";
        string fields = string.Join(',',
            F("d", decimal128), F("h", f16), F("u", u64), F("i", interval), F("b", fsb), F("m", map, entries),
            F("s", structType, F("x", Int32) + "," + F("x", Utf8)));
        string batch = """
            {"length":2,"columns":[
              ["-170141183460469231731687303715884105728","12"],
              ["NaN",0.333251953125],
              ["18446744073709551615",null],
              [{"months":1,"days":-2,"nanoseconds":"-9223372036854775808"},null],
              ["00ff",null],
              [[["k",1],["l",null]],[]],
              [[1,"a"],null]]}
            """;
        string json = Doc(fields, batch);
        CanonicalJsonContent content = CanonicalJson.Parse(json);
        JsonNode written = JsonNode.Parse(CanonicalJson.ToJson(content.Schema, content.Batches))!;
        Assert.That(JsonNode.DeepEquals(written, JsonNode.Parse(json)), Is.True, written.ToJsonString());
    }

    [Test]
    public void Parse_Float16_RoundsToNearestEven()
    {
        string f16 = """{"name":"floatingpoint","precision":"HALF"}""";
        CanonicalJsonContent content = CanonicalJson.Parse(Doc(F("h", f16), """{"length":1,"columns":[[0.1]]}"""));
        Assert.That(As<ushort>(content.Batches[0].Column(0).Data.Buffers[1])[0], Is.EqualTo(0x2E66));
    }

    [TestCase("""{"length":1,"columns":[["x"]]}""", "$.batches[0].columns[0][0]")]
    [TestCase("""{"length":2,"columns":[[1]]}""", "$.batches[0].columns[0]")]
    [TestCase("""{"length":1,"columns":[[2147483648]]}""", "$.batches[0].columns[0][0]")]
    [TestCase("""{"length":1}""", "$.batches[0]")]
    public void Parse_MalformedValues_ThrowsJsonExceptionNamingThePath(string batch, string path)
    {
        var e = Assert.Throws<JsonException>(() => CanonicalJson.Parse(Doc(F("i", Int32), batch)));
        Assert.That(e!.Message, Does.Contain(path));
    }

    [TestCase("""{"name":"struct"}""", "struct without fields")]
    [TestCase("""{"name":"fixedsizebinary","byteWidth":0}""", "fixedsizebinary of 0 bytes")]
    public void Parse_TypeApacheArrowCannotHold_ThrowsUnsupportedFeatureNamingIt(string type, string feature)
    {
        var e = Assert.Throws<UnsupportedArrowFeatureException>(() => CanonicalJson.Parse(Doc(F("v", type))));
        Assert.That(e!.Feature, Is.EqualTo(feature));
    }

    [Test]
    public void Parse_DuplicateMetadataKey_ThrowsJsonExceptionNamingThePath()
    {
        string field = """{"name":"i","nullable":true,"type":{"name":"int","bitWidth":32,"isSigned":true},"children":[],"metadata":[["k","1"],["k","2"]]}""";
        var e = Assert.Throws<JsonException>(() => CanonicalJson.Parse(Doc(field)));
        Assert.That(e!.Message, Does.Contain("$.schema.fields[0].metadata[1]"));
    }

    [Test]
    public void Parse_Views_InlineUpTo12Bytes_LongerValuesInOneDataBuffer()
    {
        CanonicalJsonContent content = CanonicalJson.Parse(Doc(F("s", """{"name":"utf8view"}""") + "," + F("b", """{"name":"binaryview"}"""),
            """{"length":3,"columns":[["twelve bytes",null,"thirteen bytes"],["00ff","",null]]}"""));
        ArrayData strings = content.Batches[0].Column(0).Data;
        ArrayData binary = content.Batches[0].Column(1).Data;
        byte[] views = strings.Buffers[1].Span.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(strings.Buffers, Has.Length.EqualTo(3));
            Assert.That(BitConverter.ToInt32(views, 0), Is.EqualTo(12));
            Assert.That(System.Text.Encoding.ASCII.GetString(views, 4, 12), Is.EqualTo("twelve bytes"));
            Assert.That(views.AsSpan(16, 16).ToArray(), Is.All.Zero, "a null view is zeros");
            Assert.That(BitConverter.ToInt32(views, 32), Is.EqualTo(14));
            Assert.That(System.Text.Encoding.ASCII.GetString(views, 36, 4), Is.EqualTo("thir"));
            Assert.That(BitConverter.ToInt32(views, 40), Is.Zero, "buffer index");
            Assert.That(BitConverter.ToInt32(views, 44), Is.Zero, "offset");
            Assert.That(System.Text.Encoding.ASCII.GetString(strings.Buffers[2].Span), Is.EqualTo("thirteen bytes"));
            Assert.That(((StringViewArray)content.Batches[0].Column(0)).GetString(2), Is.EqualTo("thirteen bytes"));
            // Every value inline: no data buffer (variadic count 0).
            Assert.That(binary.Buffers, Has.Length.EqualTo(2));
            Assert.That(binary.NullCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void Parse_ListView_OffsetsAndSizesInOrder()
    {
        string listView = """{"name":"listview"}""";
        CanonicalJsonContent content = CanonicalJson.Parse(Doc(F("l", listView, F("item", Int32)),
            """{"length":3,"columns":[[[1,2],null,[3]]]}"""));
        ArrayData data = content.Batches[0].Column(0).Data;
        Assert.Multiple(() =>
        {
            Assert.That(As<int>(data.Buffers[1]), Is.EqualTo(new[] { 0, 2, 2 }));
            Assert.That(As<int>(data.Buffers[2]), Is.EqualTo(new[] { 2, 0, 1 }));
            Assert.That(data.Children[0].Length, Is.EqualTo(3));
            Assert.That(data.NullCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void Parse_RunEndEncoded_OneRunPerGroupOfEqualValues_NullsIncluded()
    {
        string ree = """{"name":"runendencoded"}""";
        string children = F("run_ends", """{"name":"int","bitWidth":16,"isSigned":true}""", nullable: false) + "," + F("values", Utf8);
        CanonicalJsonContent content = CanonicalJson.Parse(Doc(F("r", ree, children),
            """{"length":6,"columns":[["a","a",null,null,"b","a"]]}"""));
        ArrayData data = content.Batches[0].Column(0).Data;
        Assert.Multiple(() =>
        {
            Assert.That(data.Buffers, Is.Empty);
            Assert.That(data.NullCount, Is.Zero);
            Assert.That(As<short>(data.Children[0].Buffers[1]), Is.EqualTo(new short[] { 2, 4, 5, 6 }));
            Assert.That(data.Children[1].Length, Is.EqualTo(4));
            Assert.That(IsNull(data.Children[1], 1), Is.True);
            Assert.That(content.Batches[0].Column(0), Is.InstanceOf<RunEndEncodedArray>());
        });
    }

    [Test]
    public void Parse_RunEndEncoded_RunEndBeyondItsType_ThrowsJsonException()
    {
        string ree = """{"name":"runendencoded"}""";
        string children = F("run_ends", """{"name":"int","bitWidth":16,"isSigned":true}""", nullable: false) + "," + F("values", Int32);
        string values = string.Join(',', Enumerable.Range(0, 32768).Select(i => (i & 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Throws<JsonException>(() => CanonicalJson.Parse(Doc(F("r", ree, children), $$"""{"length":32768,"columns":[[{{values}}]]}""")));
    }

    [Test]
    public void Parse_ThenWrite_NewerTypes_RoundTrip()
    {
        string ree = """{"name":"runendencoded"}""";
        string reeChildren = F("run_ends", """{"name":"int","bitWidth":32,"isSigned":true}""", nullable: false) + "," + F("values", Utf8);
        string fields = string.Join(',',
            F("sv", """{"name":"utf8view"}"""),
            F("bv", """{"name":"binaryview"}"""),
            F("lv", """{"name":"listview"}""", F("item", Int32)),
            F("llv", """{"name":"largelistview"}""", F("item", Utf8)),
            F("r", ree, reeChildren),
            F("d32", """{"name":"decimal","precision":9,"scale":2,"bitWidth":32}"""),
            F("d64", """{"name":"decimal","precision":18,"scale":0,"bitWidth":64}"""));
        string batch = """
            {"length":3,"columns":[
              ["inline","out of line, longer than twelve",null],
              ["",null,"000102030405060708090a0b0c"],
              [[1,null],null,[]],
              [["x"],["y","z"],null],
              ["p",null,null],
              ["-999999999","0",null],
              ["999999999999999999",null,"-1"]]}
            """;
        string json = Doc(fields, batch);
        CanonicalJsonContent content = CanonicalJson.Parse(json);
        JsonNode written = JsonNode.Parse(CanonicalJson.ToJson(content.Schema, content.Batches))!;
        Assert.That(JsonNode.DeepEquals(written, JsonNode.Parse(json)), Is.True, written.ToJsonString());
    }

    [Test]
    public void Parse_NotJson_ThrowsJsonException()
    {
        Assert.That(() => CanonicalJson.Parse("{\"schema\":"), Throws.InstanceOf<JsonException>());
    }
}
