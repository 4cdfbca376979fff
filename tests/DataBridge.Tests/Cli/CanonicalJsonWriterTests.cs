using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataBridge.Cli.Canonical;

namespace DataBridge.Tests.Cli;

/// <summary>The value and schema rules of canonical JSON, on small hand-built Apache.Arrow arrays.</summary>
public class CanonicalJsonWriterTests
{
    internal static ArrowBuffer Buf(params byte[] bytes) => new(bytes);

    internal static ArrowBuffer Bits(params bool[] bits)
    {
        byte[] bytes = new byte[(bits.Length + 7) / 8];
        for (int i = 0; i < bits.Length; i++)
        {
            if (bits[i])
            {
                bytes[i / 8] |= (byte)(1 << (i % 8));
            }
        }

        return new ArrowBuffer(bytes);
    }

    internal static ArrowBuffer Values<T>(params T[] values)
        where T : unmanaged => new(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>The canonical JSON of a one-column batch, parsed.</summary>
    internal static JsonNode Document(Field field, ArrayData column, IReadOnlyList<long>? dictionaryIds = null)
    {
        var schema = new Schema([field], []);
        return Write(schema, [new RecordBatch(schema, [ArrowArrayFactory.BuildArray(column)], column.Length)], dictionaryIds);
    }

    /// <summary>The canonical JSON of <paramref name="schema"/> and <paramref name="batches"/>, parsed.</summary>
    internal static JsonNode Write(Schema schema, IEnumerable<RecordBatch> batches, IReadOnlyList<long>? dictionaryIds)
    {
        using var text = new MemoryStream();
        using (var json = new Utf8JsonWriter(text))
        {
            new CanonicalJsonWriter(json, dictionaryIds).WriteDocument(schema, batches);
        }

        return JsonNode.Parse(Encoding.UTF8.GetString(text.ToArray()))!;
    }

    internal static string Column(IArrowType type, ArrayData column) =>
        Document(new Field("c", type, true), column)["batches"]![0]!["columns"]![0]!.ToJsonString();

    private static Field F(string name, IArrowType type) => new(name, type, true);

    [Test]
    public void Integers_UpTo32BitsAreNumbers_64BitsAreStrings()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Column(Int8Type.Default, new ArrayData(Int8Type.Default, 3, 1, 0, [Bits(true, false, true), Values<sbyte>(-128, 0, 127)])), Is.EqualTo("[-128,null,127]"));
            Assert.That(Column(UInt32Type.Default, new ArrayData(UInt32Type.Default, 1, 0, 0, [ArrowBuffer.Empty, Values(uint.MaxValue)])), Is.EqualTo("[4294967295]"));
            Assert.That(Column(Int64Type.Default, new ArrayData(Int64Type.Default, 2, 0, 0, [ArrowBuffer.Empty, Values(long.MinValue, long.MaxValue)])), Is.EqualTo("[\"-9223372036854775808\",\"9223372036854775807\"]"));
            Assert.That(Column(UInt64Type.Default, new ArrayData(UInt64Type.Default, 1, 0, 0, [ArrowBuffer.Empty, Values(ulong.MaxValue)])), Is.EqualTo("[\"18446744073709551615\"]"));
        });
    }

    [Test]
    public void Floats_SpecialValuesAreStrings_NarrowFloatsWidenExactly()
    {
        var f64 = new ArrayData(DoubleType.Default, 6, 0, 0, [ArrowBuffer.Empty, Values(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, 1.5)]);
        var f32 = new ArrayData(FloatType.Default, 1, 0, 0, [ArrowBuffer.Empty, Values(0.1f)]);
        // 0x3555 is the binary16 value nearest 1/3: 0.333251953125.
        var f16 = new ArrayData(HalfFloatType.Default, 2, 0, 0, [ArrowBuffer.Empty, Values<ushort>(0x3555, 0xFC00)]);
        Assert.Multiple(() =>
        {
            Assert.That(Column(DoubleType.Default, f64), Is.EqualTo("[\"NaN\",\"Infinity\",\"-Infinity\",\"-0\",0,1.5]"));
            Assert.That(JsonNode.Parse(Column(FloatType.Default, f32))![0]!.GetValue<double>(), Is.EqualTo((double)0.1f));
            Assert.That(Column(HalfFloatType.Default, f16), Is.EqualTo("[0.333251953125,\"-Infinity\"]"));
        });
    }

    [Test]
    public void Bool_IsBitPacked_HonoursOffset()
    {
        var data = new ArrayData(BooleanType.Default, 4, 1, 0, [Bits(true, true, false, true), Bits(true, false, true, true)]);
        Assert.Multiple(() =>
        {
            Assert.That(Column(BooleanType.Default, data), Is.EqualTo("[true,false,null,true]"));
            Assert.That(Column(BooleanType.Default, data.Slice(1, 3)), Is.EqualTo("[false,null,true]"));
        });
    }

    [Test]
    public void BinaryAndFixedSizeBinary_AreLowercaseHex_Utf8IsText()
    {
        var binary = new ArrayData(BinaryType.Default, 3, 1, 0, [Bits(true, false, true), Values(0, 2, 2, 3), Buf(0xAB, 0x01, 0xFF)]);
        var fsb = new ArrayData(new FixedSizeBinaryType(2), 2, 0, 0, [ArrowBuffer.Empty, Buf(0xDE, 0xAD, 0xBE, 0xEF)]);
        var utf8 = new ArrayData(StringType.Default, 3, 0, 0, [ArrowBuffer.Empty, Values(0, 3, 3, 5), Buf((byte)'a', 0xC3, 0xA9, 0xFF, (byte)'z')]);
        var large = new ArrayData(LargeStringType.Default, 1, 0, 0, [ArrowBuffer.Empty, Values(0L, 2L), Buf((byte)'h', (byte)'i')]);
        Assert.Multiple(() =>
        {
            Assert.That(Column(BinaryType.Default, binary), Is.EqualTo("[\"ab01\",null,\"ff\"]"));
            Assert.That(Column(fsb.DataType, fsb), Is.EqualTo("[\"dead\",\"beef\"]"));
            // Invalid UTF-8 (0xFF) decodes to U+FFFD, as the oracle's TextDecoder does.
            Assert.That(JsonNode.Parse(Column(StringType.Default, utf8))!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "aé", string.Empty, "\uFFFDz" }));
            Assert.That(Column(LargeStringType.Default, large), Is.EqualTo("[\"hi\"]"));
        });
    }

    [Test]
    public void Decimals_AreUnscaledIntegerStrings()
    {
        byte[] d128 = new byte[32];
        BinaryPrimitives.WriteInt64LittleEndian(d128, -12345);
        d128.AsSpan(8, 8).Fill(0xFF); // sign extension of -12345
        d128[16 + 15] = 0x40; // 2^126
        byte[] d256 = new byte[32];
        d256.AsSpan().Fill(0xFF); // -1
        var dec128 = new Decimal128Type(38, 2);
        var dec256 = new Decimal256Type(76, 0);
        var dec32 = new Decimal32Type(9, 3);
        var dec64 = new Decimal64Type(18, 1);
        Assert.Multiple(() =>
        {
            Assert.That(Column(dec128, new ArrayData(dec128, 2, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(d128)])), Is.EqualTo("[\"-12345\",\"85070591730234615865843651857942052864\"]"));
            Assert.That(Column(dec256, new ArrayData(dec256, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(d256)])), Is.EqualTo("[\"-1\"]"));
            Assert.That(Column(dec32, new ArrayData(dec32, 1, 0, 0, [ArrowBuffer.Empty, Values(-7)])), Is.EqualTo("[\"-7\"]"));
            Assert.That(Column(dec64, new ArrayData(dec64, 1, 0, 0, [ArrowBuffer.Empty, Values(long.MinValue)])), Is.EqualTo("[\"-9223372036854775808\"]"));
        });
    }

    [Test]
    public void Temporal_RawStorage_32BitNumbers_64BitStrings()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Column(Date32Type.Default, new ArrayData(Date32Type.Default, 1, 0, 0, [ArrowBuffer.Empty, Values(-3)])), Is.EqualTo("[-3]"));
            Assert.That(Column(Date64Type.Default, new ArrayData(Date64Type.Default, 1, 0, 0, [ArrowBuffer.Empty, Values(86400000L)])), Is.EqualTo("[\"86400000\"]"));
            var t32 = TimeType.Millisecond;
            Assert.That(Column(t32, new ArrayData(t32, 1, 0, 0, [ArrowBuffer.Empty, Values(1000)])), Is.EqualTo("[1000]"));
            var t64 = TimeType.Nanosecond;
            Assert.That(Column(t64, new ArrayData(t64, 1, 0, 0, [ArrowBuffer.Empty, Values(5L)])), Is.EqualTo("[\"5\"]"));
            var ts = new TimestampType(TimeUnit.Microsecond, "UTC");
            Assert.That(Column(ts, new ArrayData(ts, 1, 0, 0, [ArrowBuffer.Empty, Values(-1L)])), Is.EqualTo("[\"-1\"]"));
            var duration = DurationType.Second;
            Assert.That(Column(duration, new ArrayData(duration, 1, 0, 0, [ArrowBuffer.Empty, Values(long.MaxValue)])), Is.EqualTo("[\"9223372036854775807\"]"));
        });
    }

    [Test]
    public void Intervals_YearMonthNumber_DayTimeAndMonthDayNanoObjects()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Column(IntervalType.YearMonth, new ArrayData(IntervalType.YearMonth, 1, 0, 0, [ArrowBuffer.Empty, Values(14)])), Is.EqualTo("[14]"));
            Assert.That(Column(IntervalType.DayTime, new ArrayData(IntervalType.DayTime, 1, 0, 0, [ArrowBuffer.Empty, Values(3, -500)])), Is.EqualTo("[{\"days\":3,\"milliseconds\":-500}]"));
            byte[] mdn = new byte[16];
            BinaryPrimitives.WriteInt32LittleEndian(mdn, 1);
            BinaryPrimitives.WriteInt32LittleEndian(mdn.AsSpan(4), 2);
            BinaryPrimitives.WriteInt64LittleEndian(mdn.AsSpan(8), long.MinValue);
            Assert.That(Column(IntervalType.MonthDayNanosecond, new ArrayData(IntervalType.MonthDayNanosecond, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(mdn)])),
                Is.EqualTo("[{\"months\":1,\"days\":2,\"nanoseconds\":\"-9223372036854775808\"}]"));
        });
    }

    [Test]
    public void ListsAndFixedSizeLists_AreArrays_NullsAndEmptiesKept()
    {
        var child = new ArrayData(Int32Type.Default, 6, 0, 0, [ArrowBuffer.Empty, Values(1, 2, 3, 4, 5, 6)]);
        var list = new ListType(Int32Type.Default);
        var fsl = new FixedSizeListType(Int32Type.Default, 2);
        var large = new LargeListType(Int32Type.Default);
        Assert.Multiple(() =>
        {
            Assert.That(Column(list, new ArrayData(list, 3, 1, 0, [Bits(true, false, true), Values(0, 3, 3, 3)], [child])), Is.EqualTo("[[1,2,3],null,[]]"));
            Assert.That(Column(large, new ArrayData(large, 1, 0, 0, [ArrowBuffer.Empty, Values(4L, 6L)], [child])), Is.EqualTo("[[5,6]]"));
            Assert.That(Column(fsl, new ArrayData(fsl, 3, 1, 0, [Bits(true, false, true)], [child])), Is.EqualTo("[[1,2],null,[5,6]]"));
            // Children of a fixed-size list are not pre-sliced: slot i reads child (offset + i) * size.
            Assert.That(Column(fsl, new ArrayData(fsl, 3, 0, 0, [ArrowBuffer.Empty], [child]).Slice(1, 2)), Is.EqualTo("[[3,4],[5,6]]"));
        });
    }

    [Test]
    public void Struct_IsObjectByName_PositionalWhenNamesRepeat_SlicedThroughParentOffset()
    {
        var a = new ArrayData(Int8Type.Default, 3, 0, 0, [ArrowBuffer.Empty, Values<sbyte>(1, 2, 3)]);
        var b = new ArrayData(BooleanType.Default, 3, 1, 0, [Bits(true, true, false), Bits(true, false, false)]);
        var unique = new StructType([F("a", Int8Type.Default), F("b", BooleanType.Default)]);
        var repeated = new StructType([F("x", Int8Type.Default), F("x", BooleanType.Default)]);
        var data = new ArrayData(unique, 3, 1, 0, [Bits(true, false, true)], [a, b]);
        Assert.Multiple(() =>
        {
            Assert.That(Column(unique, data), Is.EqualTo("[{\"a\":1,\"b\":true},null,{\"a\":3,\"b\":null}]"));
            Assert.That(Column(unique, data.Slice(2, 1)), Is.EqualTo("[{\"a\":3,\"b\":null}]"));
            Assert.That(Column(repeated, new ArrayData(repeated, 1, 0, 0, [ArrowBuffer.Empty], [a, b])), Is.EqualTo("[[1,true]]"));
        });
    }

    [Test]
    public void Map_IsArrayOfKeyValuePairs()
    {
        var map = new MapType(StringType.Default, Int32Type.Default);
        var keys = new ArrayData(StringType.Default, 3, 0, 0, [ArrowBuffer.Empty, Values(0, 1, 2, 3), Buf((byte)'a', (byte)'b', (byte)'c')]);
        var values = new ArrayData(Int32Type.Default, 3, 1, 0, [Bits(true, false, true), Values(10, 0, 30)]);
        var entries = new ArrayData(map.KeyValueType, 3, 0, 0, [ArrowBuffer.Empty], [keys, values]);
        var data = new ArrayData(map, 3, 1, 0, [Bits(true, true, false), Values(0, 2, 3, 3)], [entries]);
        Assert.That(Column(map, data), Is.EqualTo("[[[\"a\",10],[\"b\",null]],[[\"c\",30]],null]"));
    }

    [Test]
    public void Unions_AreTypeIdValuePairs()
    {
        var ints = new ArrayData(Int32Type.Default, 3, 0, 0, [ArrowBuffer.Empty, Values(1, 2, 3)]);
        var strings = new ArrayData(StringType.Default, 3, 1, 0, [Bits(false, true, false), Values(0, 0, 1, 1), Buf((byte)'s')]);
        var sparse = new UnionType([F("i", Int32Type.Default), F("s", StringType.Default)], [5, 7], UnionMode.Sparse);
        var dense = new UnionType([F("i", Int32Type.Default), F("s", StringType.Default)], [5, 7], UnionMode.Dense);
        // Apache.Arrow's unions have no validity buffer: type ids, then (dense) offsets.
        var sparseData = new ArrayData(sparse, 3, 0, 0, [Values<sbyte>(5, 7, 7)], [ints, strings]);
        var denseData = new ArrayData(dense, 3, 0, 0, [Values<sbyte>(7, 5, 5), Values(1, 0, 2)], [ints, strings]);
        Assert.Multiple(() =>
        {
            Assert.That(Column(sparse, sparseData), Is.EqualTo("[[5,1],[7,\"s\"],[7,null]]"));
            Assert.That(Column(sparse, sparseData.Slice(1, 2)), Is.EqualTo("[[7,\"s\"],[7,null]]"));
            Assert.That(Column(dense, denseData), Is.EqualTo("[[7,\"s\"],[5,1],[5,3]]"));
        });
    }

    [Test]
    public void Dictionary_WritesDecodedValues_AndDictionaryOnField()
    {
        var values = new ArrayData(StringType.Default, 2, 0, 0, [ArrowBuffer.Empty, Values(0, 1, 3), Buf((byte)'x', (byte)'y', (byte)'z')]);
        var type = new DictionaryType(UInt8Type.Default, StringType.Default, ordered: true);
        var data = new ArrayData(type, 3, 1, 0, [Bits(true, false, true), Values<byte>(1, 0, 0)], null, values);
        JsonNode doc = Document(new Field("d", type, false), data, dictionaryIds: [4]);
        JsonNode field = doc["schema"]!["fields"]![0]!;
        Assert.Multiple(() =>
        {
            Assert.That(doc["batches"]![0]!["columns"]![0]!.ToJsonString(), Is.EqualTo("[\"yz\",null,\"x\"]"));
            Assert.That(field["type"]!.ToJsonString(), Is.EqualTo("{\"name\":\"utf8\"}"));
            Assert.That(field["nullable"]!.GetValue<bool>(), Is.False);
            Assert.That(field["dictionary"]!.ToJsonString(), Is.EqualTo("{\"id\":4,\"indexType\":{\"name\":\"int\",\"bitWidth\":8,\"isSigned\":false},\"isOrdered\":true}"));
        });
    }

    [Test]
    public void Dictionary_IdsTakenInPreOrder_UnknownOnesNumberedAboveTheKnown()
    {
        // Apache.Arrow's DictionaryType has no id: the writer takes them in pre-order (a field before its children).
        var inner = new DictionaryType(Int8Type.Default, StringType.Default, false);
        var outer = new DictionaryType(Int8Type.Default, new ListType(new Field("item", inner, true)), false);
        var plain = new DictionaryType(Int8Type.Default, StringType.Default, false);
        var schema = new Schema([F("a", outer), F("b", plain)], []);
        static long[] Ids(JsonNode doc) =>
        [
            doc["schema"]!["fields"]![0]!["dictionary"]!["id"]!.GetValue<long>(),
            doc["schema"]!["fields"]![0]!["children"]![0]!["dictionary"]!["id"]!.GetValue<long>(),
            doc["schema"]!["fields"]![1]!["dictionary"]!["id"]!.GetValue<long>(),
        ];
        Assert.Multiple(() =>
        {
            Assert.That(Ids(Write(schema, [], [7, 3, 3])), Is.EqualTo(new long[] { 7, 3, 3 }));
            Assert.That(Ids(Write(schema, [], [7])), Is.EqualTo(new long[] { 7, 8, 9 }));
            Assert.That(Ids(JsonNode.Parse(CanonicalJson.ToJson(schema, []))!), Is.EqualTo(new long[] { 0, 1, 2 }));
        });
    }

    [Test]
    public void Dictionary_IndexOutsideDictionary_ThrowsArrowFormatException()
    {
        var values = new ArrayData(Int32Type.Default, 1, 0, 0, [ArrowBuffer.Empty, Values(9)]);
        var type = new DictionaryType(Int8Type.Default, Int32Type.Default, false);
        var data = new ArrayData(type, 1, 0, 0, [ArrowBuffer.Empty, Values<sbyte>(1)], null, values);
        Assert.Throws<ArrowFormatException>(() => Column(type, data));
    }

    [Test]
    public void Metadata_IsSortedByKeyThenValue()
    {
        // Apache.Arrow keeps metadata in a dictionary: one value per key.
        var field = new Field("f", NullType.Default, true, [new("b", "1"), new("c", "2"), new("a", "1")]);
        var schema = new Schema([field], [new("z", ""), new("Z", "")]);
        JsonNode doc = JsonNode.Parse(CanonicalJson.ToJson(schema, []))!;
        Assert.Multiple(() =>
        {
            Assert.That(doc["schema"]!["fields"]![0]!["metadata"]!.ToJsonString(), Is.EqualTo("[[\"a\",\"1\"],[\"b\",\"1\"],[\"c\",\"2\"]]"));
            Assert.That(doc["schema"]!["metadata"]!.ToJsonString(), Is.EqualTo("[[\"Z\",\"\"],[\"z\",\"\"]]"));
            Assert.That(doc["schema"]!["endianness"]!.GetValue<string>(), Is.EqualTo("Little"));
            Assert.That(doc["batches"]!.AsArray(), Is.Empty);
        });
    }

    [Test]
    public void Types_UseIntegrationJsonNamesAndAttributes()
    {
        var union = new UnionType([F("a", NullType.Default)], [3], UnionMode.Dense);
        var fields = new Field[]
        {
            F("ts", new TimestampType(TimeUnit.Nanosecond, (string?)null)),
            F("tz", new TimestampType(TimeUnit.Second, "Europe/Paris")),
            F("t", TimeType.Microsecond),
            F("fp", HalfFloatType.Default),
            F("u", union),
            F("m", new MapType(StringType.Default, Int8Type.Default, keySorted: true)),
            F("d32", new Decimal32Type(7, 2)),
            F("d64", new Decimal64Type(15, 3)),
            F("sv", StringViewType.Default),
            F("bv", BinaryViewType.Default),
            F("lv", new ListViewType(Int8Type.Default)),
            F("llv", new LargeListViewType(Int8Type.Default)),
            F("ree", new RunEndEncodedType(Int32Type.Default, StringType.Default)),
        };
        JsonNode doc = JsonNode.Parse(CanonicalJson.ToJson(new Schema(fields, []), [], indented: false))!;
        string[] types = [.. doc["schema"]!["fields"]!.AsArray().Select(f => f!["type"]!.ToJsonString())];
        Assert.Multiple(() =>
        {
            Assert.That(types, Is.EqualTo(new[]
            {
                """{"name":"timestamp","unit":"NANOSECOND","timezone":null}""",
                """{"name":"timestamp","unit":"SECOND","timezone":"Europe/Paris"}""",
                """{"name":"time","unit":"MICROSECOND","bitWidth":64}""",
                """{"name":"floatingpoint","precision":"HALF"}""",
                """{"name":"union","mode":"DENSE","typeIds":[3]}""",
                """{"name":"map","keysSorted":true}""",
                """{"name":"decimal","precision":7,"scale":2,"bitWidth":32}""",
                """{"name":"decimal","precision":15,"scale":3,"bitWidth":64}""",
                """{"name":"utf8view"}""",
                """{"name":"binaryview"}""",
                """{"name":"listview"}""",
                """{"name":"largelistview"}""",
                """{"name":"runendencoded"}""",
            }));
            Assert.That(doc["schema"]!["fields"]![12]!["children"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "run_ends", "values" }));
        });
    }

    [Test]
    public void Views_InlineUpTo12Bytes_LongerValuesInVariadicBuffers()
    {
        // 0: "short" inline; 1: null; 2: 19 bytes at offset 3 of data buffer 1; 3: 12 bytes, still inline.
        byte[] views = new byte[16 * 4];
        BinaryPrimitives.WriteInt32LittleEndian(views, 5);
        "short"u8.CopyTo(views.AsSpan(4));
        BinaryPrimitives.WriteInt32LittleEndian(views.AsSpan(32), 19);
        "0123"u8.CopyTo(views.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(views.AsSpan(40), 1);
        BinaryPrimitives.WriteInt32LittleEndian(views.AsSpan(44), 3);
        BinaryPrimitives.WriteInt32LittleEndian(views.AsSpan(48), 12);
        "twelve bytes"u8.CopyTo(views.AsSpan(52));
        ArrowBuffer unused = Buf(0xEE);
        var data = new ArrowBuffer(Encoding.ASCII.GetBytes("---0123456789abcdefXYZ"));
        var strings = new ArrayData(StringViewType.Default, 4, 1, 0, [Bits(true, false, true, true), new ArrowBuffer(views), unused, data]);
        var binary = new ArrayData(BinaryViewType.Default, 4, 1, 0, [Bits(true, false, true, true), new ArrowBuffer(views), unused, data]);
        Assert.Multiple(() =>
        {
            Assert.That(Column(StringViewType.Default, strings), Is.EqualTo("""["short",null,"0123456789abcdefXYZ","twelve bytes"]"""));
            Assert.That(Column(BinaryViewType.Default, binary.Slice(2, 2)), Is.EqualTo("""["3031323334353637383961626364656658595a","7477656c7665206279746573"]"""));
        });
    }

    [Test]
    public void View_OutOfLineBeyondItsBuffer_ThrowsArrowFormatException()
    {
        byte[] views = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(views, 20);
        BinaryPrimitives.WriteInt32LittleEndian(views.AsSpan(12), 1);
        var data = new ArrayData(StringViewType.Default, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(views), Buf(new byte[20])]);
        var missing = new ArrayData(StringViewType.Default, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(views)]);
        Assert.Multiple(() =>
        {
            Assert.Throws<ArrowFormatException>(() => Column(StringViewType.Default, data));
            Assert.Throws<ArrowFormatException>(() => Column(StringViewType.Default, missing));
        });
    }

    [Test]
    public void ListViews_OffsetsAndSizes_MayOverlapAndComeInAnyOrder()
    {
        var child = new ArrayData(Int32Type.Default, 5, 0, 0, [ArrowBuffer.Empty, Values(1, 2, 3, 4, 5)]);
        var listView = new ListViewType(Int32Type.Default);
        var large = new LargeListViewType(Int32Type.Default);
        var data = new ArrayData(listView, 4, 1, 0, [Bits(true, true, false, true), Values(3, 0, 99, 1), Values(2, 4, 99, 0)], [child]);
        var largeData = new ArrayData(large, 1, 0, 0, [ArrowBuffer.Empty, Values(4L), Values(1L)], [child]);
        var outside = new ArrayData(listView, 1, 0, 0, [ArrowBuffer.Empty, Values(4), Values(2)], [child]);
        Assert.Multiple(() =>
        {
            Assert.That(Column(listView, data), Is.EqualTo("[[4,5],[1,2,3,4],null,[]]"));
            Assert.That(Column(listView, data.Slice(1, 2)), Is.EqualTo("[[1,2,3,4],null]"));
            Assert.That(Column(large, largeData), Is.EqualTo("[[5]]"));
            Assert.Throws<ArrowFormatException>(() => Column(listView, outside));
        });
    }

    [Test]
    public void RunEndEncoded_WritesDecodedValues_HonoursParentOffset()
    {
        var type = new RunEndEncodedType(Int16Type.Default, StringType.Default);
        var runEnds = new ArrayData(Int16Type.Default, 3, 0, 0, [ArrowBuffer.Empty, Values<short>(2, 3, 6)]);
        var values = new ArrayData(StringType.Default, 3, 1, 0, [Bits(true, false, true), Values(0, 1, 1, 3), Buf((byte)'a', (byte)'b', (byte)'c')]);
        var data = new ArrayData(type, 6, 0, 0, [], [runEnds, values]);
        var twoValues = new ArrayData(StringType.Default, 2, 0, 0, [ArrowBuffer.Empty, Values(0, 1, 2), Buf((byte)'x', (byte)'y')]);
        var decreasing = new ArrayData(type, 3, 0, 0, [], [new ArrayData(Int16Type.Default, 2, 0, 0, [ArrowBuffer.Empty, Values<short>(3, 1)]), twoValues]);
        Assert.Multiple(() =>
        {
            Assert.That(Column(type, data), Is.EqualTo("""["a","a",null,"bc","bc","bc"]"""));
            // Run ends index logical positions: a slice moves the parent's offset, not the children.
            Assert.That(Column(type, data.Slice(1, 3)), Is.EqualTo("""["a",null,"bc"]"""));
            Assert.Throws<ArrowFormatException>(() => Column(type, new ArrayData(type, 7, 0, 0, [], [runEnds, values])));
            Assert.Throws<ArrowFormatException>(() => Column(type, decreasing));
        });
    }
}
