using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Analysis;
using Microsoft.ML.Data;

namespace DataBridge.Mda;

/// <summary>MDA columns → Arrow arrays.</summary>
internal static partial class MdaConversion
{
    private static readonly TimestampType DateTimeUnzoned = new(TimeUnit.Microsecond, (string?)null);
    private static readonly TimestampType DateTimeUtc = new(TimeUnit.Microsecond, "UTC");

    private static Schema CreateSchema(ColumnWriter[] writers) => new([.. writers.Select(w => w.Field)], null);

    private static IEnumerable<RecordBatch> WriteBatches(Schema schema, ColumnWriter[] writers, long rows, int maxRowsPerBatch)
    {
        long start = 0;
        while (start < rows)
        {
            int length = (int)Math.Min(maxRowsPerBatch, rows - start);
            foreach (ColumnWriter writer in writers)
            {
                length = writer.FitRows(start, length);
            }

            var arrays = new IArrowArray[writers.Length];
            for (int i = 0; i < writers.Length; i++)
            {
                arrays[i] = writers[i].Write(start, length);
            }

            yield return new RecordBatch(schema, arrays, length);
            start += length;
        }
    }

    private static ColumnWriter[] CreateWriters(DataFrame frame)
    {
        var writers = new ColumnWriter[frame.Columns.Count];
        for (int i = 0; i < writers.Length; i++)
        {
            writers[i] = CreateWriter(frame.Columns[i]);
        }

        return writers;
    }

    private static ColumnWriter CreateWriter(DataFrameColumn column) => column switch
    {
        PrimitiveDataFrameColumn<sbyte> c => new FixedWriter<sbyte>(c, Int8Type.Default),
        PrimitiveDataFrameColumn<byte> c => new FixedWriter<byte>(c, UInt8Type.Default),
        PrimitiveDataFrameColumn<short> c => new FixedWriter<short>(c, Int16Type.Default),
        PrimitiveDataFrameColumn<ushort> c => new FixedWriter<ushort>(c, UInt16Type.Default),
        PrimitiveDataFrameColumn<int> c => new FixedWriter<int>(c, Int32Type.Default),
        PrimitiveDataFrameColumn<uint> c => new FixedWriter<uint>(c, UInt32Type.Default),
        PrimitiveDataFrameColumn<long> c => new FixedWriter<long>(c, Int64Type.Default),
        PrimitiveDataFrameColumn<ulong> c => new FixedWriter<ulong>(c, UInt64Type.Default),
        PrimitiveDataFrameColumn<Half> c => new FixedWriter<Half>(c, HalfFloatType.Default),
        PrimitiveDataFrameColumn<float> c => new FixedWriter<float>(c, FloatType.Default),
        PrimitiveDataFrameColumn<double> c => new FixedWriter<double>(c, DoubleType.Default),
        PrimitiveDataFrameColumn<char> c => new FixedWriter<char>(c, UInt16Type.Default, [new(ClrTypeMetadataKey, "char")]),
        PrimitiveDataFrameColumn<bool> c => new BooleanWriter(c),
        PrimitiveDataFrameColumn<decimal> c => new DecimalWriter(c),
        PrimitiveDataFrameColumn<DateTime> c => new DateTimeWriter(c),
        PrimitiveDataFrameColumn<TimeSpan> c => new TimeSpanWriter(c),
        PrimitiveDataFrameColumn<DateTimeOffset> c => new DateTimeOffsetWriter(c),
        StringDataFrameColumn c => new StringWriter(c),
        ArrowStringDataFrameColumn c => new ArrowStringWriter(c),
        VBufferDataFrameColumn<sbyte> c => new VBufferWriter<sbyte>(c, Int8Type.Default),
        VBufferDataFrameColumn<byte> c => new VBufferWriter<byte>(c, UInt8Type.Default),
        VBufferDataFrameColumn<short> c => new VBufferWriter<short>(c, Int16Type.Default),
        VBufferDataFrameColumn<ushort> c => new VBufferWriter<ushort>(c, UInt16Type.Default),
        VBufferDataFrameColumn<int> c => new VBufferWriter<int>(c, Int32Type.Default),
        VBufferDataFrameColumn<uint> c => new VBufferWriter<uint>(c, UInt32Type.Default),
        VBufferDataFrameColumn<long> c => new VBufferWriter<long>(c, Int64Type.Default),
        VBufferDataFrameColumn<ulong> c => new VBufferWriter<ulong>(c, UInt64Type.Default),
        VBufferDataFrameColumn<float> c => new VBufferWriter<float>(c, FloatType.Default),
        VBufferDataFrameColumn<double> c => new VBufferWriter<double>(c, DoubleType.Default),
        _ => throw new NotSupportedException(
            $"Column '{column.Name}' is a {column.GetType().Name} of {column.DataType}, which has no Arrow mapping (see docs/type-mapping.md).")
    };

    private static IArrowArray Build(IArrowType type, int length, int nullCount, ArrowBuffer validity, ArrowBuffer values) =>
        ArrowArrayFactory.BuildArray(new ArrayData(type, length, nullCount, 0, [validity, values]));

    /// <summary>One column's Arrow field and its arrays for row ranges.</summary>
    private abstract class ColumnWriter
    {
        public abstract Field Field { get; }

        /// <summary>The number of rows from <paramref name="start"/>, at most <paramref name="length"/>, that fit one array.</summary>
        public virtual int FitRows(long start, int length) => length;

        public abstract IArrowArray Write(long start, int length);
    }

    /// <summary>
    /// A primitive column's buffers as bytes. MDA keeps a column in chunks of at most 2 GiB, each with its own
    /// validity bitmap (set bit = valid, as in Arrow); a row range inside one chunk is shared, a range across
    /// chunks copied.
    /// </summary>
    private abstract class PrimitiveWriter<T> : ColumnWriter
        where T : unmanaged
    {
        protected static readonly int Size = Unsafe.SizeOf<T>();
        private readonly ReadOnlyMemory<byte>[] _data;
        private readonly ReadOnlyMemory<byte>[] _bitmaps;
        private readonly long[] _starts;

        protected PrimitiveWriter(PrimitiveDataFrameColumn<T> column)
        {
            Column = column;
            _data = [.. column.GetReadOnlyDataBuffers().Select(ZeroOffsetMemoryManager.BytesOfMdaMemory)];
            _bitmaps = [.. column.GetReadOnlyNullBitMapBuffers()];
            _starts = new long[_data.Length + 1];
            for (int i = 0; i < _data.Length; i++)
            {
                _starts[i + 1] = _starts[i] + (_data[i].Length / Size);
            }
        }

        protected PrimitiveDataFrameColumn<T> Column { get; }

        protected bool HasNulls => Column.NullCount != 0;

        /// <summary>Calls <paramref name="action"/> for each chunk piece of the range: (chunk, first row in chunk, rows, index in the range).</summary>
        protected void ForEachPiece(long start, int length, Action<int, int, int, int> action)
        {
            int chunk = ChunkOf(start);
            int done = 0;
            while (done < length)
            {
                int local = (int)(start + done - _starts[chunk]);
                int count = (int)Math.Min(length - done, _starts[chunk + 1] - (start + done));
                action(chunk, local, count, done);
                done += count;
                chunk++;
            }
        }

        protected ReadOnlySpan<T> Values(int chunk) => MemoryMarshal.Cast<byte, T>(_data[chunk].Span);

        protected bool IsValid(int chunk, int local) => !HasNulls || MdaBits.Get(_bitmaps[chunk].Span, local);

        protected bool IsSingleChunk(long start, int length, out int chunk, out int local)
        {
            chunk = ChunkOf(start);
            local = (int)(start - _starts[chunk]);
            return start + length <= _starts[chunk + 1];
        }

        protected ReadOnlyMemory<byte> Bytes(int chunk, int local, int count) => _data[chunk].Slice(local * Size, count * Size);

        /// <summary>The range's validity: empty without nulls, shared when the range starts on a byte, else copied.</summary>
        protected ArrowBuffer Validity(long start, int length, out int nullCount)
        {
            nullCount = 0;
            if (!HasNulls || length == 0)
            {
                return ArrowBuffer.Empty;
            }

            if (IsSingleChunk(start, length, out int chunk, out int local))
            {
                nullCount = MdaBits.CountCleared(_bitmaps[chunk].Span, local, length);
                if (nullCount == 0)
                {
                    return ArrowBuffer.Empty;
                }

                if ((local & 7) == 0)
                {
                    return new ArrowBuffer(_bitmaps[chunk].Slice(local >> 3, MdaBits.ByteCount(length)));
                }
            }

            var bitmap = new byte[MdaBits.ByteCount(length)];
            int nulls = 0;
            ForEachPiece(start, length, (c, l, n, at) =>
            {
                MdaBits.Copy(_bitmaps[c].Span, l, bitmap, at, n);
                nulls += MdaBits.CountCleared(_bitmaps[c].Span, l, n);
            });
            nullCount = nulls;
            return nullCount == 0 ? ArrowBuffer.Empty : new ArrowBuffer(bitmap);
        }

        private int ChunkOf(long row)
        {
            int chunk = 0;
            while (chunk < _data.Length - 1 && row >= _starts[chunk + 1])
            {
                chunk++;
            }

            return chunk;
        }
    }

    /// <summary>Types whose MDA and Arrow layouts agree: the values are shared.</summary>
    private sealed class FixedWriter<T> : PrimitiveWriter<T>
        where T : unmanaged
    {
        private readonly IArrowType _type;

        public FixedWriter(PrimitiveDataFrameColumn<T> column, IArrowType type, IEnumerable<KeyValuePair<string, string>>? metadata = null)
            : base(column)
        {
            _type = type;
            Field = new Field(column.Name, type, column.NullCount != 0, metadata);
        }

        public override Field Field { get; }

        public override IArrowArray Write(long start, int length)
        {
            ArrowBuffer validity = Validity(start, length, out int nullCount);
            if (IsSingleChunk(start, length, out int chunk, out int local))
            {
                return Build(_type, length, nullCount, validity, new ArrowBuffer(Bytes(chunk, local, length)));
            }

            var values = new byte[length * Size];
            ForEachPiece(start, length, (c, l, n, at) => Bytes(c, l, n).Span.CopyTo(values.AsSpan(at * Size)));
            return Build(_type, length, nullCount, validity, new ArrowBuffer(values));
        }
    }

    /// <summary>MDA stores a byte per bool; Arrow a bit.</summary>
    private sealed class BooleanWriter : PrimitiveWriter<bool>
    {
        public BooleanWriter(PrimitiveDataFrameColumn<bool> column)
            : base(column) => Field = new Field(column.Name, BooleanType.Default, column.NullCount != 0);

        public override Field Field { get; }

        public override IArrowArray Write(long start, int length)
        {
            ArrowBuffer validity = Validity(start, length, out int nullCount);
            var bits = new byte[MdaBits.ByteCount(length)];
            ForEachPiece(start, length, (c, l, n, at) =>
            {
                ReadOnlySpan<bool> values = Values(c).Slice(l, n);
                for (int i = 0; i < values.Length; i++)
                {
                    if (values[i])
                    {
                        MdaBits.Set(bits, at + i);
                    }
                }
            });
            return Build(BooleanType.Default, length, nullCount, validity, new ArrowBuffer(bits));
        }
    }

    /// <summary>
    /// <see cref="DateTime"/> → timestamp[us] as the SDK writes it elsewhere: the wall-clock ticks since
    /// 1970-01-01 floored to microseconds, zone <c>UTC</c> when every non-null value has <see cref="DateTimeKind.Utc"/>,
    /// no zone otherwise (Local and Unspecified values are written as their wall-clock time, never converted).
    /// </summary>
    private sealed class DateTimeWriter : PrimitiveWriter<DateTime>
    {
        private readonly TimestampType _type;

        public DateTimeWriter(PrimitiveDataFrameColumn<DateTime> column)
            : base(column)
        {
            bool sawValue = false;
            bool allUtc = true;
            ForEachPiece(0, (int)Math.Min(column.Length, int.MaxValue), (c, l, n, _) =>
            {
                ReadOnlySpan<DateTime> values = Values(c).Slice(l, n);
                for (int i = 0; i < values.Length && allUtc; i++)
                {
                    if (IsValid(c, l + i))
                    {
                        sawValue = true;
                        allUtc = values[i].Kind == DateTimeKind.Utc;
                    }
                }
            });
            _type = sawValue && allUtc ? DateTimeUtc : DateTimeUnzoned;
            Field = new Field(column.Name, _type, column.NullCount != 0);
        }

        public override Field Field { get; }

        public override IArrowArray Write(long start, int length)
        {
            ArrowBuffer validity = Validity(start, length, out int nullCount);
            var bytes = new byte[length * sizeof(long)];
            long epoch = DateTime.UnixEpoch.Ticks;
            ForEachPiece(start, length, (c, l, n, at) =>
            {
                ReadOnlySpan<DateTime> values = Values(c).Slice(l, n);
                Span<long> micros = MemoryMarshal.Cast<byte, long>(bytes.AsSpan()).Slice(at, n);
                for (int i = 0; i < values.Length; i++)
                {
                    micros[i] = Math.DivRem(values[i].Ticks - epoch, 10, out long rest) - (rest < 0 ? 1 : 0);
                }
            });
            return Build(_type, length, nullCount, validity, new ArrowBuffer(bytes));
        }
    }

    /// <summary><see cref="TimeSpan"/> → duration[ns] (as the SDK's record mapping); beyond ±292 years it does not fit.</summary>
    private sealed class TimeSpanWriter : PrimitiveWriter<TimeSpan>
    {
        private static readonly DurationType Type = DurationType.Nanosecond;

        public TimeSpanWriter(PrimitiveDataFrameColumn<TimeSpan> column)
            : base(column) => Field = new Field(column.Name, Type, column.NullCount != 0);

        public override Field Field { get; }

        public override IArrowArray Write(long start, int length)
        {
            ArrowBuffer validity = Validity(start, length, out int nullCount);
            var values = new byte[length * sizeof(long)];
            string name = Column.Name;
            ForEachPiece(start, length, (c, l, n, at) =>
            {
                ReadOnlySpan<TimeSpan> source = Values(c).Slice(l, n);
                Span<long> nanos = MemoryMarshal.Cast<byte, long>(values.AsSpan()).Slice(at, n);
                for (int i = 0; i < source.Length; i++)
                {
                    long ticks = source[i].Ticks;
                    if (ticks > long.MaxValue / 100 || ticks < long.MinValue / 100)
                    {
                        throw new OverflowException($"Column '{name}' row {start + at + i}: {source[i]} does not fit duration[ns] (±292 years).");
                    }

                    nanos[i] = ticks * 100;
                }
            });
            return Build(Type, length, nullCount, validity, new ArrowBuffer(values));
        }
    }

    /// <summary>
    /// <see cref="DateTimeOffset"/> → struct&lt;timestamp: timestamp[us, UTC], offset_minutes: int16&gt;, the SDK's
    /// layout for it: the instant and the offset each value had.
    /// </summary>
    private sealed class DateTimeOffsetWriter : PrimitiveWriter<DateTimeOffset>
    {
        public DateTimeOffsetWriter(PrimitiveDataFrameColumn<DateTimeOffset> column)
            : base(column) => Field = new Field(column.Name, DateTimeOffsetType, column.NullCount != 0);

        public override Field Field { get; }

        public override IArrowArray Write(long start, int length)
        {
            ArrowBuffer validity = Validity(start, length, out int nullCount);
            var micros = new long[length];
            var minutes = new short[length];
            long epoch = DateTime.UnixEpoch.Ticks;
            ForEachPiece(start, length, (c, l, n, at) =>
            {
                ReadOnlySpan<DateTimeOffset> values = Values(c).Slice(l, n);
                for (int i = 0; i < values.Length; i++)
                {
                    micros[at + i] = Math.DivRem(values[i].UtcTicks - epoch, 10, out long rest) - (rest < 0 ? 1 : 0);
                    minutes[at + i] = (short)values[i].TotalOffsetMinutes;
                }
            });
            ArrayData[] children =
            [
                new ArrayData(DateTimeUtc, length, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(MemoryMarshal.AsBytes(micros.AsSpan()).ToArray())]),
                new ArrayData(Int16Type.Default, length, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(MemoryMarshal.AsBytes(minutes.AsSpan()).ToArray())]),
            ];
            return ArrowArrayFactory.BuildArray(new ArrayData(DateTimeOffsetType, length, nullCount, 0, [validity], children));
        }
    }

    /// <summary><see cref="decimal"/> → decimal128(38, s) or decimal256(76, s), s the largest scale among the values (trailing zeros count), 76 digits when a value rescaled to s needs more than 38.</summary>
    private sealed class DecimalWriter : PrimitiveWriter<decimal>
    {
        private readonly IArrowType _type;
        private readonly int _scale;
        private readonly int _width;

        public DecimalWriter(PrimitiveDataFrameColumn<decimal> column)
            : base(column)
        {
            // Two passes over the values: the scale that holds them all, then whether 38 digits do at that scale.
            int scale = 0;
            ForEachValid(value => scale = Math.Max(scale, MdaDecimal.ScaleOf(value)));
            bool wide = false;
            ForEachValid(value => wide |= !MdaDecimal.FitsDecimal128(value, scale));
            _scale = scale;
            _type = wide ? new Decimal256Type(76, scale) : new Decimal128Type(38, scale);
            _width = wide ? 32 : 16;
            Field = new Field(column.Name, _type, column.NullCount != 0);
        }

        public override Field Field { get; }

        public override IArrowArray Write(long start, int length)
        {
            ArrowBuffer validity = Validity(start, length, out int nullCount);
            var values = new byte[length * _width];
            ForEachPiece(start, length, (c, l, n, at) =>
            {
                ReadOnlySpan<decimal> source = Values(c).Slice(l, n);
                for (int i = 0; i < source.Length; i++)
                {
                    MdaDecimal.Write(source[i], _scale, values.AsSpan((at + i) * _width, _width));
                }
            });
            return Build(_type, length, nullCount, validity, new ArrowBuffer(values));
        }

        private void ForEachValid(Action<decimal> action) =>
            ForEachPiece(0, (int)Math.Min(Column.Length, int.MaxValue), (c, l, n, _) =>
            {
                ReadOnlySpan<decimal> source = Values(c).Slice(l, n);
                for (int i = 0; i < source.Length; i++)
                {
                    if (IsValid(c, l + i))
                    {
                        action(source[i]);
                    }
                }
            });
    }

    /// <summary>
    /// <see cref="StringDataFrameColumn"/> (a list of .NET strings) → utf8: the UTF-8 length of the range is
    /// measured first, then every string is encoded straight into the one values buffer.
    /// </summary>
    private sealed class StringWriter : ColumnWriter
    {
        private readonly StringDataFrameColumn _column;
        private long _cachedStart = -1;
        private List<string?> _cached = [];

        public StringWriter(StringDataFrameColumn column)
        {
            _column = column;
            Field = new Field(column.Name, StringType.Default, column.NullCount != 0);
        }

        public override Field Field { get; }

        public override int FitRows(long start, int length)
        {
            List<string?> strings = Range(start, length);
            long bytes = 0;
            for (int i = 0; i < strings.Count; i++)
            {
                bytes += strings[i] is { } s ? Encoding.UTF8.GetByteCount(s) : 0;
                if (bytes > int.MaxValue)
                {
                    return Math.Max(i, 1);
                }
            }

            return length;
        }

        public override IArrowArray Write(long start, int length)
        {
            List<string?> strings = Range(start, length);
            var offsetBytes = new byte[(length + 1) * sizeof(int)];
            Span<int> offsets = MemoryMarshal.Cast<byte, int>(offsetBytes.AsSpan());
            long total = 0;
            int nullCount = 0;
            for (int i = 0; i < length; i++)
            {
                if (strings[i] is { } s)
                {
                    total += Encoding.UTF8.GetByteCount(s);
                }
                else
                {
                    nullCount++;
                }
            }

            var values = new byte[checked((int)total)];
            byte[]? validity = nullCount == 0 ? null : new byte[MdaBits.ByteCount(length)];
            int position = 0;
            for (int i = 0; i < length; i++)
            {
                if (strings[i] is { } s)
                {
                    position += Encoding.UTF8.GetBytes(s, values.AsSpan(position));
                    if (validity is not null)
                    {
                        MdaBits.Set(validity, i);
                    }
                }

                offsets[i + 1] = position;
            }

            ArrayData data = new(StringType.Default, length, nullCount, 0,
                [validity is null ? ArrowBuffer.Empty : new ArrowBuffer(validity), new ArrowBuffer(offsetBytes), new ArrowBuffer(values)]);
            return ArrowArrayFactory.BuildArray(data);
        }

        private List<string?> Range(long start, int length)
        {
            if (_cachedStart != start || _cached.Count < length)
            {
                _cached = _column[start, length]!;
                _cachedStart = start;
            }

            return _cached.Count == length ? _cached : _cached.GetRange(0, length);
        }
    }

    /// <summary><see cref="ArrowStringDataFrameColumn"/> is utf8 already: its values, offsets and bitmap are shared.</summary>
    private sealed class ArrowStringWriter : ColumnWriter
    {
        private readonly ArrowStringDataFrameColumn _column;
        private readonly ReadOnlyMemory<byte>[] _values;
        private readonly ReadOnlyMemory<byte>[] _offsets;
        private readonly ReadOnlyMemory<byte>[] _bitmaps;
        private readonly long[] _starts;

        public ArrowStringWriter(ArrowStringDataFrameColumn column)
        {
            _column = column;
            _values = [.. column.GetReadOnlyDataBuffers()];
            _offsets = [.. column.GetReadOnlyOffsetsBuffers().Select(ZeroOffsetMemoryManager.BytesOfMdaMemory)];
            _bitmaps = [.. column.GetReadOnlyNullBitMapBuffers()];
            _starts = new long[_offsets.Length + 1];
            for (int i = 0; i < _offsets.Length; i++)
            {
                _starts[i + 1] = _starts[i] + Math.Max(0, (_offsets[i].Length / sizeof(int)) - 1);
            }

            Field = new Field(column.Name, StringType.Default, column.NullCount != 0);
        }

        public override Field Field { get; }

        public override IArrowArray Write(long start, int length)
        {
            int chunk = 0;
            while (chunk < _offsets.Length - 1 && start >= _starts[chunk + 1])
            {
                chunk++;
            }

            int local = (int)(start - _starts[chunk]);
            if (length > 0 && start + length <= _starts[chunk + 1])
            {
                ArrowBuffer validity = ArrowBuffer.Empty;
                int nullCount = 0;
                if (_column.NullCount != 0 && !_bitmaps[chunk].IsEmpty)
                {
                    ReadOnlySpan<byte> bitmap = _bitmaps[chunk].Span;
                    nullCount = MdaBits.CountCleared(bitmap, local, length);
                    if (nullCount != 0)
                    {
                        if ((local & 7) == 0)
                        {
                            validity = new ArrowBuffer(_bitmaps[chunk].Slice(local >> 3, MdaBits.ByteCount(length)));
                        }
                        else
                        {
                            var copy = new byte[MdaBits.ByteCount(length)];
                            MdaBits.Copy(bitmap, local, copy, 0, length);
                            validity = new ArrowBuffer(copy);
                        }
                    }
                }

                // Arrow allows offsets that do not start at 0: the range's offsets are a slice, the values whole.
                ArrowBuffer offsets = new(_offsets[chunk].Slice(local * sizeof(int), (length + 1) * sizeof(int)));
                return ArrowArrayFactory.BuildArray(new ArrayData(StringType.Default, length, nullCount, 0, [validity, offsets, new ArrowBuffer(_values[chunk])]));
            }

            // A range across MDA's chunks (or an empty one): rebuilt through the builder.
            var builder = new StringArray.Builder();
            for (long row = start; row < start + length; row++)
            {
                builder.Append(_column[row]);
            }

            return builder.Build();
        }
    }

    /// <summary>
    /// ML.NET vectors (<see cref="VBuffer{T}"/>) → list&lt;T&gt;: each row's logical values, sparse vectors densified
    /// (implicit entries are zero). MDA's VBuffer columns have no nulls.
    /// </summary>
    private sealed class VBufferWriter<T> : ColumnWriter
        where T : unmanaged
    {
        private readonly VBufferDataFrameColumn<T> _column;
        private readonly IArrowType _itemType;

        public VBufferWriter(VBufferDataFrameColumn<T> column, IArrowType itemType)
        {
            _column = column;
            _itemType = itemType;
            Field = new Field(column.Name, new ListType(new Field("item", itemType, false)), false);
        }

        public override Field Field { get; }

        public override IArrowArray Write(long start, int length)
        {
            var offsetBytes = new byte[(length + 1) * sizeof(int)];
            Span<int> offsets = MemoryMarshal.Cast<byte, int>(offsetBytes.AsSpan());
            var vectors = new VBuffer<T>[length];
            long total = 0;
            for (int i = 0; i < length; i++)
            {
                vectors[i] = _column[start + i];
                total += vectors[i].Length;
                offsets[i + 1] = checked((int)total);
            }

            var items = new T[total];
            for (int i = 0; i < length; i++)
            {
                VBuffer<T> vector = vectors[i];
                Span<T> destination = items.AsSpan(offsets[i], vector.Length);
                if (vector.IsDense)
                {
                    vector.GetValues().CopyTo(destination);
                }
                else
                {
                    ReadOnlySpan<T> values = vector.GetValues();
                    ReadOnlySpan<int> indices = vector.GetIndices();
                    for (int k = 0; k < values.Length; k++)
                    {
                        destination[indices[k]] = values[k];
                    }
                }
            }

            var itemData = new ArrayData(_itemType, items.Length, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(MemoryMarshal.AsBytes(items.AsSpan()).ToArray())]);
            return ArrowArrayFactory.BuildArray(new ArrayData(Field.DataType, length, 0, 0,
                [ArrowBuffer.Empty, new ArrowBuffer(offsetBytes)], [itemData]));
        }
    }
}
