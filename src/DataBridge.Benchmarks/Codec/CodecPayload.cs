using System.Runtime.InteropServices;
using DataBridge.Ipc;

namespace DataBridge.Benchmarks.Codec;

/// <summary>The codec benchmarks' batch: int64, float64, nullable int32 (1 in 10 null) and utf8 (0–15 ASCII chars).</summary>
internal static class CodecPayload
{
    public static RecordBatch Mixed(int rows) => Build(rows, fixedWidth: true, utf8: true);

    public static RecordBatch FixedWidthOnly(int rows) => Build(rows, fixedWidth: true, utf8: false);

    public static RecordBatch Utf8Only(int rows) => Build(rows, fixedWidth: false, utf8: true);

    public static byte[] ToStream(RecordBatch batch)
    {
        using var stream = new MemoryStream();
        using (var writer = new ArrowIpcWriter(stream, batch.Schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        return stream.ToArray();
    }

    private static RecordBatch Build(int rows, bool fixedWidth, bool utf8)
    {
        var random = new Random(7);
        var fields = new List<Field>();
        var columns = new List<ArrayData>();
        if (fixedWidth)
        {
            var longs = new long[rows];
            var doubles = new double[rows];
            var ints = new int[rows];
            var validity = new byte[(rows + 7) / 8];
            int nulls = 0;
            for (int i = 0; i < rows; i++)
            {
                longs[i] = random.NextInt64();
                doubles[i] = random.NextDouble();
                ints[i] = random.Next();
                if (i % 10 != 3)
                {
                    validity[i >> 3] |= (byte)(1 << (i & 7));
                }
                else
                {
                    nulls++;
                }
            }

            fields.Add(new Field("i64", Int64Type.Default, false));
            columns.Add(new ArrayData(Int64Type.Default, rows, 0, 0, [ArrowBuffer.Empty, Buffer<long>(longs)], []));
            fields.Add(new Field("f64", DoubleType.Default, false));
            columns.Add(new ArrayData(DoubleType.Default, rows, 0, 0, [ArrowBuffer.Empty, Buffer<double>(doubles)], []));
            fields.Add(new Field("i32", Int32Type.Default, true));
            columns.Add(new ArrayData(Int32Type.Default, rows, nulls, 0, [new ArrowBuffer(validity), Buffer<int>(ints)], []));
        }

        if (utf8)
        {
            var offsets = new int[rows + 1];
            var data = new List<byte>(rows * 8);
            for (int i = 0; i < rows; i++)
            {
                int length = random.Next(16);
                for (int c = 0; c < length; c++)
                {
                    data.Add((byte)('a' + random.Next(26)));
                }

                offsets[i + 1] = data.Count;
            }

            fields.Add(new Field("s", StringType.Default, false));
            columns.Add(new ArrayData(StringType.Default, rows, 0, 0, [ArrowBuffer.Empty, Buffer<int>(offsets), new ArrowBuffer(CollectionsMarshal.AsSpan(data).ToArray())], []));
        }

        return new RecordBatch(new Schema(fields, null), columns.Select(ArrowArrayFactory.BuildArray), rows);
    }

    /// <summary>Total bytes of the batch's buffers (what a writer must copy).</summary>
    public static long BufferBytes(RecordBatch batch) =>
        batch.Arrays.Sum(c => c.Data.Buffers.Sum(b => (long)b.Length));

    private static ArrowBuffer Buffer<T>(T[] values)
        where T : unmanaged =>
        new(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
}
