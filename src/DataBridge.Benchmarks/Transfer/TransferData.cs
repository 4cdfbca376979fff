using DataBridge.Ipc;

namespace DataBridge.Benchmarks.Transfer;

/// <summary>
/// The payloads of the transfer suite. <b>numeric</b>: 4 int64 + 4 float64 columns, a tenth of the values
/// null in half of them (i2, i3, f2, f3). <b>mixed</b>: numeric plus 2 utf8 columns of 8–32 characters and a
/// timestamp[us] column. Batches hold at most <see cref="BatchRows"/> rows (the bridge's default bound).
/// </summary>
internal static class TransferData
{
    public const int BatchRows = 65536;

    // Timestamps without a zone, as pandas writes datetime64[us] columns.
    private static readonly TimestampType Microseconds = new(TimeUnit.Microsecond, (string?)null);

    public static List<RecordBatch> Numeric(int rows) => Build(rows, mixed: false);

    public static List<RecordBatch> Mixed(int rows) => Build(rows, mixed: true);

    public static long ArrowStreamBytes(IReadOnlyList<RecordBatch> batches)
    {
        var counter = new CountingStream();
        using (var writer = new ArrowIpcWriter(counter, batches[0].Schema, leaveOpen: true))
        {
            foreach (RecordBatch batch in batches)
            {
                writer.WriteRecordBatch(batch);
            }

            writer.WriteEnd();
        }

        return counter.Length;
    }

    private static List<RecordBatch> Build(int rows, bool mixed)
    {
        var fields = new List<Field>();
        for (int i = 0; i < 4; i++)
        {
            fields.Add(new Field($"i{i}", Int64Type.Default, i >= 2));
        }

        for (int i = 0; i < 4; i++)
        {
            fields.Add(new Field($"f{i}", DoubleType.Default, i >= 2));
        }

        if (mixed)
        {
            fields.Add(new Field("s0", StringType.Default, true));
            fields.Add(new Field("s1", StringType.Default, true));
            fields.Add(new Field("ts", Microseconds, true));
        }

        var schema = new Schema(fields, null);
        var batches = new List<RecordBatch>();
        var random = new Random(42);
        string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        char[] text = new char[32];
        for (int start = 0; start < rows; start += BatchRows)
        {
            int n = Math.Min(BatchRows, rows - start);
            var columns = new List<IArrowArray>();
            for (int c = 0; c < 4; c++)
            {
                var b = new Int64Array.Builder();
                b.Reserve(n);
                for (int r = 0; r < n; r++)
                {
                    if (c >= 2 && (start + r) % 10 == 3)
                    {
                        b.AppendNull();
                    }
                    else
                    {
                        b.Append((long)(start + r) * (c + 1));
                    }
                }

                columns.Add(b.Build());
            }

            for (int c = 0; c < 4; c++)
            {
                var b = new DoubleArray.Builder();
                b.Reserve(n);
                for (int r = 0; r < n; r++)
                {
                    if (c >= 2 && (start + r) % 10 == 7)
                    {
                        b.AppendNull();
                    }
                    else
                    {
                        b.Append((start + r) * 0.5 + c);
                    }
                }

                columns.Add(b.Build());
            }

            if (mixed)
            {
                for (int c = 0; c < 2; c++)
                {
                    var b = new StringArray.Builder();
                    for (int r = 0; r < n; r++)
                    {
                        int len = 8 + random.Next(25);
                        for (int k = 0; k < len; k++)
                        {
                            text[k] = alphabet[random.Next(alphabet.Length)];
                        }

                        b.Append(new string(text, 0, len));
                    }

                    columns.Add(b.Build());
                }

                var ts = new TimestampArray.Builder(Microseconds);
                ts.Reserve(n);
                for (int r = 0; r < n; r++)
                {
                    ts.Append(DateTimeOffset.UnixEpoch.AddTicks((1_700_000_000_000_000L + (start + r) * 1_000L) * 10));
                }

                columns.Add(ts.Build());
            }

            batches.Add(new RecordBatch(schema, columns, n));
        }

        return batches;
    }

    /// <summary>Counts what is written (sizes the socket-limit payload without keeping the bytes).</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
