using DataBridge.Arrow;
using DataBridge.Ipc;
using static DataBridge.Tests.Ipc.IpcTestData;

namespace DataBridge.Tests.Ipc;

public class AllTypesRoundTripTests
{
    private static readonly bool[] Valid6 = [true, false, true, true, false, true];

    /// <summary>One six-row column of every type the codec writes.</summary>
    public static RecordBatch EveryType()
    {
        var columns = new List<(string, ArrayData)>
        {
            ("null", new ArrayData(NullType.Default, 6, 6, 0, System.Array.Empty<ArrowBuffer>(), System.Array.Empty<ArrayData>())),
            ("bool", Bool(true, null, false, true, null, false)),
            ("int8", Primitive<sbyte>(Int8Type.Default, 1, null, -3, 4, null, sbyte.MinValue)),
            ("int16", Primitive<short>(Int16Type.Default, 1, null, -3, 4, null, short.MaxValue)),
            ("int32", Int32(1, null, -3, 4, null, int.MinValue)),
            ("int64", Int64(1, null, -3, 4, null, long.MaxValue)),
            ("uint8", Primitive<byte>(UInt8Type.Default, 1, null, 3, 4, null, 255)),
            ("uint16", Primitive<ushort>(UInt16Type.Default, 1, null, 3, 4, null, ushort.MaxValue)),
            ("uint32", Primitive<uint>(UInt32Type.Default, 1, null, 3, 4, null, uint.MaxValue)),
            ("uint64", Primitive<ulong>(UInt64Type.Default, 1, null, 3, 4, null, ulong.MaxValue)),
            ("float16", Primitive<Half>(HalfFloatType.Default, (Half)1.5, null, Half.NaN, (Half)(-2), null, Half.MaxValue)),
            ("float32", Primitive<float>(FloatType.Default, 1.5f, null, float.NaN, -0f, null, float.PositiveInfinity)),
            ("float64", Float64(1.5, null, double.NaN, -0.0, null, double.NegativeInfinity)),
            ("decimal32", Fixed(new Decimal32Type(7, 2), Bytes(6 * 4, 1), Valid6)),
            ("decimal64", Fixed(new Decimal64Type(15, 2), Bytes(6 * 8, 2), Valid6)),
            ("decimal128", Fixed(new Decimal128Type(30, 5), Bytes(6 * 16, 3), Valid6)),
            ("decimal256", Fixed(new Decimal256Type(70, -3), Bytes(6 * 32, 4), Valid6)),
            ("date32", Primitive<int>(Date32Type.Default, 1, null, -3, 19000, null, 0)),
            ("date64", Primitive<long>(Date64Type.Default, 86_400_000, null, 0, -86_400_000, null, 1)),
            ("time32s", Primitive<int>(new Time32Type(TimeUnit.Second), 1, null, 3, 86_399, null, 0)),
            ("time32ms", Primitive<int>(new Time32Type(TimeUnit.Millisecond), 1, null, 3, 4, null, 0)),
            ("time64us", Primitive<long>(new Time64Type(TimeUnit.Microsecond), 1, null, 3, 4, null, 0)),
            ("time64ns", Primitive<long>(new Time64Type(TimeUnit.Nanosecond), 1, null, 3, 4, null, 0)),
            ("ts", Primitive<long>(new TimestampType(TimeUnit.Microsecond, "Europe/Paris"), 1, null, 3, 4, null, 0)),
            ("ts_naive", Primitive<long>(new TimestampType(TimeUnit.Second, (string?)null), 1, null, 3, 4, null, 0)),
            ("duration", Primitive<long>(DurationType.Nanosecond, 1, null, -3, 4, null, 0)),
            ("ym", Primitive<int>(IntervalType.YearMonth, 1, null, -3, 4, null, 0)),
            ("dt", Fixed(IntervalType.DayTime, Bytes(6 * 8, 5), Valid6)),
            ("mdn", Fixed(IntervalType.MonthDayNanosecond, Bytes(6 * 16, 6), Valid6)),
            ("fsb", Fixed(new FixedSizeBinaryType(3), Bytes(6 * 3, 7), Valid6)),
            ("utf8", Utf8("a", null, "", "ünïcode", null, "end")),
            ("binary", Binary(BinaryType.Default, [[1], null, [], [2, 3], null, [4]])),
            ("large_utf8", Binary(LargeStringType.Default, [[65], null, [], [66, 67], null, [68]])),
            ("large_binary", Binary(LargeBinaryType.Default, [[1], null, [], [2, 3], null, [4]])),
            ("list", List(new ListType(Int32Type.Default), Int32(1, 2, null, 4, 5, 6, 7), [0, 2, 2, 3, 5, 5, 7], Valid6)),
            ("large_list", List(new LargeListType(StringType.Default), Utf8("a", "b", null, "d"), [0, 1, 1, 2, 3, 3, 4], Valid6)),
        };

        var fslType = new FixedSizeListType(new Field("v", Int16Type.Default, true), 2);
        columns.Add(("fsl", new ArrayData(fslType, 6, 2, 0, [Bitmap(Valid6)], [Primitive<short>(Int16Type.Default, 1, 2, 3, null, 5, 6, 7, 8, 9, 10, 11, 12)])));

        var structType = new StructType([new Field("a", Int32Type.Default, true), new Field("b", StringType.Default, false)]);
        columns.Add(("struct", Struct(structType, 6, [Int32(1, null, 3, 4, 5, 6), Utf8("p", "q", "r", "s", "t", "u")], Valid6)));

        var mapType = new MapType(StringType.Default, Int64Type.Default);
        var entries = Struct((StructType)mapType.Fields[0].DataType, 5, [Utf8("k1", "k2", "k3", "k4", "k5"), Int64(1, null, 3, 4, 5)]);
        columns.Add(("map", List(mapType, entries, [0, 2, 2, 3, 3, 4, 5], Valid6)));

        var sparseType = IpcTestData.UnionOf(UnionMode.Sparse, [5, 9], new Field("i", Int32Type.Default, true), new Field("s", StringType.Default, true));
        columns.Add(("sparse", Union(sparseType, [5, 9, 9, 5, 5, 9], null, Int32(1, 2, 3, null, 5, 6), Utf8("a", "b", null, "d", "e", "f"))));

        var denseType = IpcTestData.UnionOf(UnionMode.Dense, null, new Field("i", Int32Type.Default, true), new Field("s", StringType.Default, true));
        columns.Add(("dense", Union(denseType, [0, 1, 1, 0, 0, 1], [0, 0, 1, 1, 2, 2], Int32(1, null, 3), Utf8("a", null, "c"))));

        var dictType = new DictionaryType(Int16Type.Default, StringType.Default, ordered: true);
        columns.Add(("dict", Dictionary(dictType, Utf8("x", "y", "z"), 0, null, 2, 2, null, 1)));

        var schema = new Schema(
            columns.Select(c => new Field(c.Item1, c.Item2.DataType, c.Item1 != "int64", [new("k", c.Item1)])),
            [new("schema-key", "schema-value")]);
        return IpcTestData.FromData(schema, columns.Select(c => c.Item2), 6);
    }

    [Test]
    public void RoundTrip_EveryType_FromMemoryAndStream_ValuesSchemaAndMetadataEqual()
    {
        RecordBatch batch = EveryType();
        byte[] bytes = Write(batch.Schema, [batch, batch]);

        List<RecordBatch> fromMemory = ReadAll(bytes, out Schema schema);
        Assert.That(schema.FieldsList.Select(f => f.Name), Is.EqualTo(batch.Schema.FieldsList.Select(f => f.Name)));
        Assert.That(schema.Metadata, Is.EqualTo(batch.Schema.Metadata));
        Assert.That(schema.FieldsList.Select(f => f.Metadata.Single().Value), Is.EqualTo(batch.Schema.FieldsList.Select(f => f.Name)));
        Assert.That(schema.FieldsList.Select(f => f.IsNullable), Is.EqualTo(batch.Schema.FieldsList.Select(f => f.IsNullable)));
        AssertSameBatches([batch, batch], fromMemory);
        AssertSameBatches([batch, batch], ReadAllFromStream(bytes));
    }

    [Test]
    public async Task RoundTrip_EveryType_AsyncWriterAndReader_Equal()
    {
        RecordBatch batch = EveryType();
        using var stream = new MemoryStream();
        await using (var writer = new ArrowIpcWriter(stream, batch.Schema, leaveOpen: true))
        {
            await writer.WriteRecordBatchAsync(batch);
            await writer.WriteRecordBatchAsync(batch.Slice(1, 4));
            await writer.WriteEndAsync();
        }

        stream.Position = 0;
        var read = new List<RecordBatch>();
        await using (var reader = new ArrowIpcReader(stream))
        {
            await foreach (RecordBatch b in reader.ReadRecordBatchesAsync())
            {
                read.Add(b);
            }
        }

        AssertSameBatches([batch, batch.Slice(1, 4)], read);
    }

    [TestCase(0, 6)]
    [TestCase(1, 5)]
    [TestCase(3, 2)]
    [TestCase(5, 1)]
    [TestCase(2, 0)]
    public void RoundTrip_EveryTypeSliced_ReadsBackTheSlice(int offset, int length)
    {
        RecordBatch slice = EveryType().Slice(offset, length);
        byte[] bytes = Write(slice.Schema, [slice]);
        AssertSameBatches([slice], ReadAll(bytes, out _));
    }

    [Test]
    public void Write_SlicedLongColumns_RebasesBitmapsAndOffsetsAndCutsChildren()
    {
        var values = Enumerable.Range(0, 100).Select(i => i % 7 == 0 ? null : (int?)i).ToArray();
        var strings = Enumerable.Range(0, 100).Select(i => i % 5 == 0 ? null : new string('x', i % 13)).ToArray();
        var listOffsets = Enumerable.Range(0, 101).Select(i => i * 2).ToArray();
        RecordBatch batch = Batch(
            ("i", Int32(values)),
            ("s", Utf8(strings)),
            ("l", List(new ListType(Int32Type.Default), Int32([.. Enumerable.Range(0, 200).Select(i => (int?)i)]), listOffsets)));

        foreach ((int offset, int length) in new[] { (3, 50), (8, 17), (13, 0), (99, 1) })
        {
            RecordBatch slice = batch.Slice(offset, length);
            List<RecordBatch> read = ReadAll(Write(slice.Schema, [slice]), out _);
            AssertSameBatches([slice], read);
            ArrayData s = read[0].Column(1).Data;
            ArrayData l = read[0].Column(2).Data;
            Assert.Multiple(() =>
            {
                Assert.That(s.Buffers[1].Span.CastTo<int>()[0], Is.Zero, "string offsets start at 0");
                Assert.That(l.Buffers[1].Span.CastTo<int>()[0], Is.Zero, "list offsets start at 0");
                Assert.That(l.Children[0].Length, Is.EqualTo(length * 2), "list child cut to the slice");
                Assert.That(s.Buffers[2].Length, Is.EqualTo(strings.Skip(offset).Take(length).Sum(x => x?.Length ?? 0)), "string data cut to the slice");
            });
        }
    }

    [Test]
    public void Write_NoNulls_OmitsValidityBitmap()
    {
        RecordBatch batch = Batch(("i", Int32(1, 2, 3)), ("s", Utf8("a", "b", "c")));
        List<RecordBatch> read = ReadAll(Write(batch.Schema, [batch]), out _);
        Assert.That(read[0].Column(0).Data.Buffers[0].IsEmpty, Is.True);
        Assert.That(read[0].Column(1).Data.Buffers[0].IsEmpty, Is.True);
    }

    [Test]
    public void RoundTrip_ZeroColumnsAndZeroRows_Preserved()
    {
        var empty = IpcTestData.FromData(Schemas.Empty, [], 7);
        List<RecordBatch> read = ReadAll(Write(Schemas.Empty, [empty]), out Schema schema);
        Assert.That(schema.FieldsList, Is.Empty);
        Assert.That(read.Single().Length, Is.EqualTo(7));

        RecordBatch zeroRows = EveryType().Slice(0, 0);
        byte[] bytes = Write(zeroRows.Schema, [zeroRows]);
        AssertSameBatches([zeroRows], ReadAll(bytes, out _));
    }

    [Test]
    public void RoundTrip_MessageCustomMetadata_ExposedOnReader()
    {
        RecordBatch batch = Batch(("i", Int32(1, 2)));
        using var stream = new MemoryStream();
        using (var writer = new ArrowIpcWriter(stream, batch.Schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch, [new("batch", "first")]);
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        using var reader = new ArrowIpcReader(stream.ToArray());
        using RecordBatch? first = reader.ReadNextRecordBatch();
        Assert.That(reader.LastBatchMetadata, Is.EqualTo(new KeyValuePair<string, string>[] { new("batch", "first") }));
        using RecordBatch? second = reader.ReadNextRecordBatch();
        Assert.That(reader.LastBatchMetadata, Is.Empty);
    }

    [Test]
    public void Write_LegacyFormat_NoContinuationAndFourByteEos_ReaderAcceptsIt()
    {
        RecordBatch batch = EveryType();
        byte[] bytes = Write(batch.Schema, [batch], new ArrowIpcWriterOptions { LegacyFormat = true });
        Assert.That(BitConverter.ToInt32(bytes, 0), Is.GreaterThan(0));
        Assert.That(bytes[^4..], Is.EqualTo(new byte[4]));
        Assert.That(BitConverter.ToInt32(bytes, bytes.Length - 8), Is.Not.EqualTo(-1));
        AssertSameBatches([batch], ReadAll(bytes, out _));
        AssertSameBatches([batch], ReadAllFromStream(bytes));
    }

    [Test]
    public void Read_FromMemory_BuffersAliasTheInput()
    {
        RecordBatch batch = Batch(("i", Int64(1, 2, 3)));
        byte[] bytes = Write(batch.Schema, [batch]);
        using var reader = new ArrowIpcReader(bytes);
        using RecordBatch read = reader.ReadNextRecordBatch()!;
        Assert.That(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(read.Column(0).Data.Buffers[1].Memory, out ArraySegment<byte> segment), Is.True);
        Assert.That(segment.Array, Is.SameAs(bytes));
    }

    [Test]
    public void Read_WithoutEos_EndsCleanlyAtMessageBoundary()
    {
        RecordBatch batch = Batch(("i", Int32(1, 2)));
        byte[] bytes = Write(batch.Schema, [batch, batch], end: false);
        Assert.That(ReadAll(bytes, out _), Has.Count.EqualTo(2));
        Assert.That(ReadAllFromStream(bytes), Has.Count.EqualTo(2));
    }

    [Test]
    public void Write_OracleAuditsFramingOfEveryType()
    {
        RecordBatch batch = EveryType();
        string path = Path.Combine(Path.GetTempPath(), $"databridge-every-type-{Environment.ProcessId}.arrows");
        File.WriteAllBytes(path, Write(batch.Schema, [batch, batch.Slice(1, 3)]));
        try
        {
            (int code, string output) = SharedInterop.Node("read.mjs", "--frames", path);
            Assert.That(code, Is.Zero, output);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
