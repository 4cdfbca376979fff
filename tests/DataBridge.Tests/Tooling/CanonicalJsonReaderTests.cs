using System.Text.Json;
using System.Text.Json.Nodes;
using DataBridge.Arrow;
using DataBridge.Tooling;

namespace DataBridge.Tests.Tooling;

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

    [Test]
    public void Parse_PrimitiveColumn_OmitsValidityWithoutNulls_BuildsOffsets()
    {
        CanonicalJsonContent content = CanonicalJson.Parse(Doc(F("i", Int32) + "," + F("s", Utf8),
            """{"length":3,"columns":[[1,2,3],["a",null,"bc"]]}"""));
        ArrayData ints = content.Batches[0].Column(0).Data;
        ArrayData strings = content.Batches[0].Column(1).Data;
        Assert.Multiple(() =>
        {
            Assert.That(ints.Validity.IsEmpty, Is.True);
            Assert.That(ints.NullCount, Is.Zero);
            Assert.That(ints.Buffers[1].As<int>().ToArray(), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(strings.NullCount, Is.EqualTo(1));
            Assert.That(strings.Validity.Span[0], Is.EqualTo(0b101));
            Assert.That(strings.Buffers[1].As<int>().ToArray(), Is.EqualTo(new[] { 0, 1, 1, 3 }));
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
        var type = (DictionaryType)content.Schema.Fields[0].DataType;
        Assert.Multiple(() =>
        {
            Assert.That(type.Id, Is.EqualTo(3));
            Assert.That(type.IsOrdered, Is.True);
            Assert.That(type.IndexType, Is.EqualTo(IntType.Int8));
            Assert.That(a0.Dictionary, Is.SameAs(b1.Dictionary));
            Assert.That(a0.Dictionary!.Length, Is.EqualTo(3));
            Assert.That(a0.Buffers[1].As<sbyte>().ToArray(), Is.EqualTo(new sbyte[] { 0, 1 }));
            Assert.That(b1.Buffers[1].As<sbyte>().ToArray(), Is.EqualTo(new sbyte[] { 2, 2 }));
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
            Assert.That(u.Buffers[1].As<sbyte>().ToArray(), Is.EqualTo(new sbyte[] { 4, 9 }));
            Assert.That(u.Children[0].IsNull(1), Is.True);
            Assert.That(u.Children[1].IsNull(0), Is.True);
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
        Assert.That(content.Batches[0].Column(0).Data.Buffers[1].As<ushort>()[0], Is.EqualTo(0x2E66));
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

    [TestCase("utf8view")]
    [TestCase("binaryview")]
    [TestCase("runendencoded")]
    public void Parse_UnsupportedType_ThrowsUnsupportedFeatureNamingIt(string type)
    {
        var e = Assert.Throws<UnsupportedArrowFeatureException>(() => CanonicalJson.Parse(Doc(F("v", $$"""{"name":"{{type}}"}"""))));
        Assert.That(e!.Feature, Is.EqualTo(type));
    }

    [Test]
    public void Parse_NotJson_ThrowsJsonException()
    {
        Assert.That(() => CanonicalJson.Parse("{\"schema\":"), Throws.InstanceOf<JsonException>());
    }
}
