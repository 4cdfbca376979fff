using System.Runtime.InteropServices;
using DataBridge.Arrow;
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

            fields.Add(new Field("i64", IntType.Int64, false));
            columns.Add(new ArrayData(IntType.Int64, rows, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<long>(longs)]));
            fields.Add(new Field("f64", FloatingPointType.Float64, false));
            columns.Add(new ArrayData(FloatingPointType.Float64, rows, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<double>(doubles)]));
            fields.Add(new Field("i32", IntType.Int32, true));
            columns.Add(new ArrayData(IntType.Int32, rows, nulls, 0, [new ArrowBuffer(validity), ArrowBuffer.FromSpan<int>(ints)]));
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

            fields.Add(new Field("s", Utf8Type.Default, false));
            columns.Add(new ArrayData(Utf8Type.Default, rows, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<int>(offsets), new ArrowBuffer(CollectionsMarshal.AsSpan(data).ToArray())]));
        }

        return RecordBatch.FromData(new Schema(fields), columns, rows);
    }

    /// <summary>Total bytes of the batch's buffers (what a writer must copy).</summary>
    public static long BufferBytes(RecordBatch batch) =>
        batch.Columns.Sum(c => c.Data.Buffers.Sum(b => (long)b.Length));
}
