using System.Runtime.InteropServices;
using System.Text;
using DataBridge.Ipc;

using DataBridge.Tests.Support;

namespace DataBridge.Tests.Ipc;

/// <summary>Builds ArrayData directly (independent of the typed builders) and runs streams through the codec.</summary>
internal static class IpcTestData
{
    public static ArrowBuffer Bitmap(IReadOnlyList<bool> valid)
    {
        var bytes = new byte[(valid.Count + 7) / 8];
        for (int i = 0; i < valid.Count; i++)
        {
            if (valid[i])
            {
                bytes[i / 8] |= (byte)(1 << (i % 8));
            }
        }

        return new ArrowBuffer(bytes);
    }

    /// <summary>A buffer holding <paramref name="values"/> (little-endian, as this machine is).</summary>
    public static ArrowBuffer BufferOf<T>(ReadOnlySpan<T> values)
        where T : unmanaged => new(MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A batch over array data (Apache's RecordBatch takes typed arrays).</summary>
    public static RecordBatch FromData(Schema schema, IEnumerable<ArrayData> columns, int length) =>
        new(schema, columns.Select(ArrowArrayFactory.BuildArray), length);

    /// <summary>A union type with type ids <paramref name="typeIds"/> (0, 1, ... by default).</summary>
    public static UnionType UnionOf(UnionMode mode, int[]? typeIds, params Field[] fields) =>
        new(fields, typeIds ?? Enumerable.Range(0, fields.Length), mode);

    public static ArrayData Primitive<T>(IArrowType type, params T?[] values)
        where T : unmanaged
    {
        var raw = new T[values.Length];
        var valid = new bool[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            raw[i] = values[i] ?? default;
            valid[i] = values[i].HasValue;
        }

        return WithValidity(type, valid, BufferOf<T>(raw));
    }

    public static ArrayData Int32(params int?[] values) => Primitive(Int32Type.Default, values);

    public static ArrayData Int64(params long?[] values) => Primitive(Int64Type.Default, values);

    public static ArrayData Float64(params double?[] values) => Primitive(DoubleType.Default, values);

    public static ArrayData Bool(params bool?[] values)
    {
        var bits = new bool[values.Length];
        var valid = new bool[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = values[i] ?? false;
            valid[i] = values[i].HasValue;
        }

        return WithValidity(BooleanType.Default, valid, Bitmap(bits));
    }

    public static ArrayData Utf8(params string?[] values) => Binary(StringType.Default, values.Select(v => v is null ? null : Encoding.UTF8.GetBytes(v)).ToArray());

    public static ArrayData Binary(IArrowType type, byte[]?[] values)
    {
        bool large = type.TypeId is ArrowTypeId.LargeBinary or ArrowTypeId.LargeString;
        var data = new List<byte>();
        var offsets = new List<long> { 0 };
        var valid = new bool[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            valid[i] = values[i] is not null;
            data.AddRange(values[i] ?? []);
            offsets.Add(data.Count);
        }

        ArrowBuffer offsetBuffer = large
            ? BufferOf<long>(offsets.ToArray())
            : BufferOf<int>(offsets.Select(o => (int)o).ToArray());
        return new ArrayData(type, values.Length, valid.Count(v => !v), 0, [NullableBitmap(valid), offsetBuffer, new ArrowBuffer(data.ToArray())]);
    }

    public static ArrayData List(IArrowType type, ArrayData child, int[] offsets, bool[]? valid = null)
    {
        int length = offsets.Length - 1;
        valid ??= Enumerable.Repeat(true, length).ToArray();
        ArrowBuffer offsetBuffer = type.TypeId == ArrowTypeId.LargeList
            ? BufferOf<long>(offsets.Select(o => (long)o).ToArray())
            : BufferOf<int>(offsets);
        return new ArrayData(type, length, valid.Count(v => !v), 0, [NullableBitmap(valid), offsetBuffer], [child]);
    }

    public static ArrayData Struct(StructType type, int length, ArrayData[] children, bool[]? valid = null)
    {
        valid ??= Enumerable.Repeat(true, length).ToArray();
        return new ArrayData(type, length, valid.Count(v => !v), 0, [NullableBitmap(valid)], children);
    }

    public static ArrayData WithValidity(IArrowType type, bool[] valid, ArrowBuffer values) =>
        new(type, valid.Length, valid.Count(v => !v), 0, [NullableBitmap(valid), values]);

    /// <summary>Dictionary-encoded data; the indices are stored in the width of the type's index type.</summary>
    public static ArrayData Dictionary(DictionaryType type, ArrayData dictionary, params int?[] indices)
    {
        ArrayData idx = ((IntegerType)type.IndexType).BitWidth switch
        {
            8 => Primitive(type.IndexType, [.. indices.Select(i => (sbyte?)i)]),
            16 => Primitive(type.IndexType, [.. indices.Select(i => (short?)i)]),
            32 => Primitive(type.IndexType, indices),
            _ => Primitive(type.IndexType, [.. indices.Select(i => (long?)i)]),
        };
        return new ArrayData(type, idx.Length, idx.NullCount, 0, idx.Buffers, [], dictionary);
    }

    public static ArrayData Fixed(IArrowType type, byte[] raw, bool[] valid) => WithValidity(type, valid, new ArrowBuffer(raw));

    public static ArrayData Union(UnionType type, sbyte[] typeIds, int[]? offsets, params ArrayData[] children)
    {
        ArrowBuffer ids = BufferOf<sbyte>(typeIds);
        // Apache's union layout: [type ids] (sparse) or [type ids, offsets] (dense), no validity.
        ArrowBuffer[] buffers = offsets is null ? [ids] : [ids, BufferOf<int>(offsets)];
        return new ArrayData(type, typeIds.Length, 0, 0, buffers, children);
    }

    public static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static void AssertSameBatches(IReadOnlyList<RecordBatch> expected, IReadOnlyList<RecordBatch> actual)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Count));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.That(ArrayDataComparer.FirstDifference(expected[i], actual[i]), Is.Null, $"batch {i}");
        }
    }

    public static ArrowBuffer NullableBitmap(bool[] valid) => valid.All(v => v) ? ArrowBuffer.Empty : Bitmap(valid);

    public static RecordBatch Batch(params (string Name, ArrayData Data)[] columns)
    {
        var schema = new Schema(columns.Select(c => new Field(c.Name, c.Data.DataType, true)), null);
        return IpcTestData.FromData(schema, columns.Select(c => c.Data), columns.Length == 0 ? 0 : columns[0].Data.Length);
    }

    public static byte[] Write(Schema schema, IEnumerable<RecordBatch> batches, ArrowIpcWriterOptions? options = null, bool end = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new ArrowIpcWriter(stream, schema, options, leaveOpen: true))
        {
            foreach (RecordBatch batch in batches)
            {
                writer.WriteRecordBatch(batch);
            }

            if (end)
            {
                writer.WriteEnd();
            }
        }

        return stream.ToArray();
    }

    public static List<RecordBatch> ReadAll(byte[] bytes, out Schema schema)
    {
        using var reader = new ArrowIpcReader(bytes);
        schema = reader.Schema;
        return [.. reader.ReadRecordBatches()];
    }

    public static List<RecordBatch> ReadAllFromStream(byte[] bytes)
    {
        using var reader = new ArrowIpcReader(new MemoryStream(bytes));
        return [.. reader.ReadRecordBatches()];
    }

    public static void AssertSameData(ArrayData expected, ArrayData actual, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what + " length");
        Assert.That(actual.GetNullCount(), Is.EqualTo(expected.GetNullCount()), what + " null count");
        Assert.That(ArrayDataComparer.FirstDifference(expected, actual), Is.Null, what + " values");
    }

    public static ReadOnlySpan<T> Values<T>(ArrayData data)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(data.Buffers[1].Span).Slice(data.Offset, data.Length);
}
