using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataBridge.Arrow;
using DataBridge.Tooling;

namespace DataBridge.Tests.Tooling;

/// <summary>The value and schema rules of canonical JSON, on small hand-built arrays.</summary>
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
        where T : unmanaged => ArrowBuffer.FromSpan<T>(values);

    /// <summary>The canonical JSON of a one-column batch, parsed.</summary>
    internal static JsonNode Document(Field field, ArrayData column)
    {
        var schema = new Schema([field]);
        string json = CanonicalJson.ToJson(schema, [RecordBatch.FromData(schema, [column], column.Length)], indented: false);
        return JsonNode.Parse(json)!;
    }

    internal static string Column(ArrowType type, ArrayData column) =>
        Document(new Field("c", type), column)["batches"]![0]!["columns"]![0]!.ToJsonString();

    [Test]
    public void Integers_UpTo32BitsAreNumbers_64BitsAreStrings()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Column(IntType.Int8, new ArrayData(IntType.Int8, 3, 1, 0, [Bits(true, false, true), Values<sbyte>(-128, 0, 127)])), Is.EqualTo("[-128,null,127]"));
            Assert.That(Column(IntType.UInt32, new ArrayData(IntType.UInt32, 1, 0, 0, [ArrowBuffer.Empty, Values(uint.MaxValue)])), Is.EqualTo("[4294967295]"));
            Assert.That(Column(IntType.Int64, new ArrayData(IntType.Int64, 2, 0, 0, [ArrowBuffer.Empty, Values(long.MinValue, long.MaxValue)])), Is.EqualTo("[\"-9223372036854775808\",\"9223372036854775807\"]"));
            Assert.That(Column(IntType.UInt64, new ArrayData(IntType.UInt64, 1, 0, 0, [ArrowBuffer.Empty, Values(ulong.MaxValue)])), Is.EqualTo("[\"18446744073709551615\"]"));
        });
    }

    [Test]
    public void Floats_SpecialValuesAreStrings_NarrowFloatsWidenExactly()
    {
        var f64 = new ArrayData(FloatingPointType.Float64, 6, 0, 0, [ArrowBuffer.Empty, Values(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, 1.5)]);
        var f32 = new ArrayData(FloatingPointType.Float32, 1, 0, 0, [ArrowBuffer.Empty, Values(0.1f)]);
        // 0x3555 is the binary16 value nearest 1/3: 0.333251953125.
        var f16 = new ArrayData(FloatingPointType.Float16, 2, 0, 0, [ArrowBuffer.Empty, Values<ushort>(0x3555, 0xFC00)]);
        Assert.Multiple(() =>
        {
            Assert.That(Column(FloatingPointType.Float64, f64), Is.EqualTo("[\"NaN\",\"Infinity\",\"-Infinity\",\"-0\",0,1.5]"));
            Assert.That(JsonNode.Parse(Column(FloatingPointType.Float32, f32))![0]!.GetValue<double>(), Is.EqualTo((double)0.1f));
            Assert.That(Column(FloatingPointType.Float16, f16), Is.EqualTo("[0.333251953125,\"-Infinity\"]"));
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
        var utf8 = new ArrayData(Utf8Type.Default, 3, 0, 0, [ArrowBuffer.Empty, Values(0, 3, 3, 5), Buf((byte)'a', 0xC3, 0xA9, 0xFF, (byte)'z')]);
        var large = new ArrayData(LargeUtf8Type.Default, 1, 0, 0, [ArrowBuffer.Empty, Values(0L, 2L), Buf((byte)'h', (byte)'i')]);
        Assert.Multiple(() =>
        {
            Assert.That(Column(BinaryType.Default, binary), Is.EqualTo("[\"ab01\",null,\"ff\"]"));
            Assert.That(Column(fsb.Type, fsb), Is.EqualTo("[\"dead\",\"beef\"]"));
            // Invalid UTF-8 (0xFF) decodes to U+FFFD, as the oracle's TextDecoder does.
            Assert.That(JsonNode.Parse(Column(Utf8Type.Default, utf8))!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "aé", string.Empty, "\uFFFDz" }));
            Assert.That(Column(LargeUtf8Type.Default, large), Is.EqualTo("[\"hi\"]"));
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
        var dec128 = new DecimalType(38, 2);
        var dec256 = new DecimalType(76, 0, 256);
        var dec32 = new DecimalType(9, 3, 32);
        Assert.Multiple(() =>
        {
            Assert.That(Column(dec128, new ArrayData(dec128, 2, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(d128)])), Is.EqualTo("[\"-12345\",\"85070591730234615865843651857942052864\"]"));
            Assert.That(Column(dec256, new ArrayData(dec256, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(d256)])), Is.EqualTo("[\"-1\"]"));
            Assert.That(Column(dec32, new ArrayData(dec32, 1, 0, 0, [ArrowBuffer.Empty, Values(-7)])), Is.EqualTo("[\"-7\"]"));
        });
    }

    [Test]
    public void Temporal_RawStorage_32BitNumbers_64BitStrings()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Column(DateType.Date32, new ArrayData(DateType.Date32, 1, 0, 0, [ArrowBuffer.Empty, Values(-3)])), Is.EqualTo("[-3]"));
            Assert.That(Column(DateType.Date64, new ArrayData(DateType.Date64, 1, 0, 0, [ArrowBuffer.Empty, Values(86400000L)])), Is.EqualTo("[\"86400000\"]"));
            var t32 = new TimeType(TimeUnit.Millisecond);
            Assert.That(Column(t32, new ArrayData(t32, 1, 0, 0, [ArrowBuffer.Empty, Values(1000)])), Is.EqualTo("[1000]"));
            var t64 = new TimeType(TimeUnit.Nanosecond);
            Assert.That(Column(t64, new ArrayData(t64, 1, 0, 0, [ArrowBuffer.Empty, Values(5L)])), Is.EqualTo("[\"5\"]"));
            var ts = new TimestampType(TimeUnit.Microsecond, "UTC");
            Assert.That(Column(ts, new ArrayData(ts, 1, 0, 0, [ArrowBuffer.Empty, Values(-1L)])), Is.EqualTo("[\"-1\"]"));
            var duration = new DurationType(TimeUnit.Second);
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
            Assert.That(Column(IntervalType.MonthDayNano, new ArrayData(IntervalType.MonthDayNano, 1, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(mdn)])),
                Is.EqualTo("[{\"months\":1,\"days\":2,\"nanoseconds\":\"-9223372036854775808\"}]"));
        });
    }

    [Test]
    public void ListsAndFixedSizeLists_AreArrays_NullsAndEmptiesKept()
    {
        var child = new ArrayData(IntType.Int32, 6, 0, 0, [ArrowBuffer.Empty, Values(1, 2, 3, 4, 5, 6)]);
        var list = new ListType(IntType.Int32);
        var fsl = new FixedSizeListType(IntType.Int32, 2);
        var large = new LargeListType(IntType.Int32);
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
        var a = new ArrayData(IntType.Int8, 3, 0, 0, [ArrowBuffer.Empty, Values<sbyte>(1, 2, 3)]);
        var b = new ArrayData(BooleanType.Default, 3, 1, 0, [Bits(true, true, false), Bits(true, false, false)]);
        var unique = new StructType([new Field("a", IntType.Int8), new Field("b", BooleanType.Default)]);
        var repeated = new StructType([new Field("x", IntType.Int8), new Field("x", BooleanType.Default)]);
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
        var map = new MapType(Utf8Type.Default, IntType.Int32);
        var keys = new ArrayData(Utf8Type.Default, 3, 0, 0, [ArrowBuffer.Empty, Values(0, 1, 2, 3), Buf((byte)'a', (byte)'b', (byte)'c')]);
        var values = new ArrayData(IntType.Int32, 3, 1, 0, [Bits(true, false, true), Values(10, 0, 30)]);
        var entries = new ArrayData(map.EntriesField.DataType, 3, 0, 0, [ArrowBuffer.Empty], [keys, values]);
        var data = new ArrayData(map, 3, 1, 0, [Bits(true, true, false), Values(0, 2, 3, 3)], [entries]);
        Assert.That(Column(map, data), Is.EqualTo("[[[\"a\",10],[\"b\",null]],[[\"c\",30]],null]"));
    }

    [Test]
    public void Unions_AreTypeIdValuePairs()
    {
        var ints = new ArrayData(IntType.Int32, 3, 0, 0, [ArrowBuffer.Empty, Values(1, 2, 3)]);
        var strings = new ArrayData(Utf8Type.Default, 3, 1, 0, [Bits(false, true, false), Values(0, 0, 1, 1), Buf((byte)'s')]);
        var sparse = new UnionType([new Field("i", IntType.Int32), new Field("s", Utf8Type.Default)], UnionMode.Sparse, [5, 7]);
        var dense = new UnionType([new Field("i", IntType.Int32), new Field("s", Utf8Type.Default)], UnionMode.Dense, [5, 7]);
        var sparseData = new ArrayData(sparse, 3, 0, 0, [ArrowBuffer.Empty, Values<sbyte>(5, 7, 7)], [ints, strings]);
        var denseData = new ArrayData(dense, 3, 0, 0, [ArrowBuffer.Empty, Values<sbyte>(7, 5, 5), Values(1, 0, 2)], [ints, strings]);
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
        var values = new ArrayData(Utf8Type.Default, 2, 0, 0, [ArrowBuffer.Empty, Values(0, 1, 3), Buf((byte)'x', (byte)'y', (byte)'z')]);
        var type = new DictionaryType(IntType.UInt8, Utf8Type.Default, isOrdered: true, id: 4);
        var data = new ArrayData(type, 3, 1, 0, [Bits(true, false, true), Values<byte>(1, 0, 0)], null, values);
        JsonNode doc = Document(new Field("d", type, false), data);
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
    public void Dictionary_WithoutId_GetsAnIdAboveEveryExplicitOne()
    {
        var explicitType = new DictionaryType(IntType.Int8, Utf8Type.Default, id: 5);
        var implicitType = new DictionaryType(IntType.Int8, Utf8Type.Default);
        JsonNode doc = JsonNode.Parse(CanonicalJson.ToJson(new Schema([new Field("a", implicitType), new Field("b", explicitType)]), []))!;
        Assert.Multiple(() =>
        {
            Assert.That(doc["schema"]!["fields"]![0]!["dictionary"]!["id"]!.GetValue<long>(), Is.EqualTo(6));
            Assert.That(doc["schema"]!["fields"]![1]!["dictionary"]!["id"]!.GetValue<long>(), Is.EqualTo(5));
        });
    }

    [Test]
    public void Dictionary_IndexOutsideDictionary_ThrowsArrowFormatException()
    {
        var values = new ArrayData(IntType.Int32, 1, 0, 0, [ArrowBuffer.Empty, Values(9)]);
        var type = new DictionaryType(IntType.Int8, IntType.Int32, id: 0);
        var data = new ArrayData(type, 1, 0, 0, [ArrowBuffer.Empty, Values<sbyte>(1)], null, values);
        Assert.Throws<ArrowFormatException>(() => Column(type, data));
    }

    [Test]
    public void Metadata_IsSortedByKeyThenValue()
    {
        var field = new Field("f", NullType.Default, true, [new("b", "1"), new("a", "2"), new("a", "1")]);
        var schema = new Schema([field], [new("z", ""), new("Z", "")]);
        JsonNode doc = JsonNode.Parse(CanonicalJson.ToJson(schema, []))!;
        Assert.Multiple(() =>
        {
            Assert.That(doc["schema"]!["fields"]![0]!["metadata"]!.ToJsonString(), Is.EqualTo("[[\"a\",\"1\"],[\"a\",\"2\"],[\"b\",\"1\"]]"));
            Assert.That(doc["schema"]!["metadata"]!.ToJsonString(), Is.EqualTo("[[\"Z\",\"\"],[\"z\",\"\"]]"));
            Assert.That(doc["schema"]!["endianness"]!.GetValue<string>(), Is.EqualTo("Little"));
            Assert.That(doc["batches"]!.AsArray(), Is.Empty);
        });
    }

    [Test]
    public void Types_UseIntegrationJsonNamesAndAttributes()
    {
        var union = new UnionType([new Field("a", NullType.Default)], UnionMode.Dense, [3]);
        var fields = new Field[]
        {
            new("ts", new TimestampType(TimeUnit.Nanosecond)),
            new("tz", new TimestampType(TimeUnit.Second, "Europe/Paris")),
            new("t", new TimeType(TimeUnit.Microsecond)),
            new("fp", FloatingPointType.Float16),
            new("u", union),
            new("m", new MapType(Utf8Type.Default, IntType.Int8, keysSorted: true)),
        };
        JsonNode doc = JsonNode.Parse(CanonicalJson.ToJson(new Schema(fields), [], indented: false))!;
        string[] types = [.. doc["schema"]!["fields"]!.AsArray().Select(f => f!["type"]!.ToJsonString())];
        Assert.That(types, Is.EqualTo(new[]
        {
            "{\"name\":\"timestamp\",\"unit\":\"NANOSECOND\",\"timezone\":null}",
            "{\"name\":\"timestamp\",\"unit\":\"SECOND\",\"timezone\":\"Europe/Paris\"}",
            "{\"name\":\"time\",\"unit\":\"MICROSECOND\",\"bitWidth\":64}",
            "{\"name\":\"floatingpoint\",\"precision\":\"HALF\"}",
            "{\"name\":\"union\",\"mode\":\"DENSE\",\"typeIds\":[3]}",
            "{\"name\":\"map\",\"keysSorted\":true}",
        }));
    }
}
