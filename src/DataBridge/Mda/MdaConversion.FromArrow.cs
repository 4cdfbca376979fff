using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Analysis;

namespace DataBridge.Mda;

/// <summary>Arrow arrays → MDA columns.</summary>
internal static partial class MdaConversion
{
    /// <summary>The SDK's layout for <see cref="DateTimeOffset"/>: the UTC instant and the offset in minutes.</summary>
    private static readonly StructType DateTimeOffsetType = new(
    [
        new Field("timestamp", new TimestampType(TimeUnit.Microsecond, "UTC"), false),
        new Field("offset_minutes", Int16Type.Default, false),
    ]);

    private delegate void Fill<T>(string column, IArrowArray array, Span<T> destination, long firstRow);

    private static DataFrame ReadFrame(Schema schema, IEnumerable<RecordBatch> batches, bool arrowStrings)
    {
        var arrays = new List<IArrowArray>[schema.FieldsList.Count];
        for (int i = 0; i < arrays.Length; i++)
        {
            arrays[i] = [];
        }

        int batchIndex = 0;
        foreach (RecordBatch batch in batches)
        {
            if (batch.ColumnCount != arrays.Length)
            {
                throw new ArrowFormatException($"Batch {batchIndex} has {batch.ColumnCount} columns; the schema has {arrays.Length}.");
            }

            for (int i = 0; i < arrays.Length; i++)
            {
                IArrowArray array = batch.Column(i);
                Field field = schema.FieldsList[i];
                if (array.Data.DataType.TypeId != field.DataType.TypeId || array.Length != batch.Length)
                {
                    throw new ArrowFormatException(
                        $"Batch {batchIndex}, column '{field.Name}': a {array.Data.DataType.Name} array of {array.Length} rows where the schema says {field.DataType.Name} and the batch has {batch.Length} rows.");
                }

                arrays[i].Add(array);
            }

            batchIndex++;
        }

        var columns = new DataFrameColumn[arrays.Length];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < arrays.Length; i++)
        {
            Field field = schema.FieldsList[i];
            if (!names.Add(field.Name))
            {
                throw new UnsupportedArrowFeatureException("schema:duplicate-field-names", $"The schema has two columns named '{field.Name}'; an MDA DataFrame's column names are unique.");
            }

            columns[i] = ReadColumn(field, arrays[i], arrowStrings);
        }

        return new DataFrame(columns);
    }

    private static DataFrameColumn ReadColumn(Field field, List<IArrowArray> arrays, bool arrowStrings)
    {
        string name = field.Name;
        IArrowType type = field.DataType;
        if (type is DictionaryType dictionary)
        {
            if (dictionary.ValueType.TypeId is ArrowTypeId.String or ArrowTypeId.LargeString or ArrowTypeId.StringView)
            {
                return DictionaryStrings(name, arrays);
            }

            type = dictionary.ValueType;
            arrays = [.. arrays.Select(a => DecodeDictionary(name, (DictionaryArray)a))];
        }

        return type.TypeId switch
        {
            ArrowTypeId.Int8 => Fixed<sbyte>(name, arrays),
            ArrowTypeId.UInt8 => Fixed<byte>(name, arrays),
            ArrowTypeId.Int16 => Fixed<short>(name, arrays),
            ArrowTypeId.UInt16 when field.HasMetadata && field.Metadata.TryGetValue(ClrTypeMetadataKey, out string? clr) && clr == "char" => Fixed<char>(name, arrays),
            ArrowTypeId.UInt16 => Fixed<ushort>(name, arrays),
            ArrowTypeId.Int32 => Fixed<int>(name, arrays),
            ArrowTypeId.UInt32 => Fixed<uint>(name, arrays),
            ArrowTypeId.Int64 => Fixed<long>(name, arrays),
            ArrowTypeId.UInt64 => Fixed<ulong>(name, arrays),
            ArrowTypeId.Float => Fixed<float>(name, arrays),
            ArrowTypeId.Double => Fixed<double>(name, arrays),
            ArrowTypeId.HalfFloat => Converted<float>(name, arrays, FillHalf),
            ArrowTypeId.Boolean => Converted<bool>(name, arrays, FillBoolean),
            ArrowTypeId.Decimal32 or ArrowTypeId.Decimal64 or ArrowTypeId.Decimal128 or ArrowTypeId.Decimal256 => Converted<decimal>(name, arrays, FillDecimal),
            ArrowTypeId.Timestamp or ArrowTypeId.Date32 or ArrowTypeId.Date64 => Converted<DateTime>(name, arrays, FillDateTime),
            ArrowTypeId.Time32 or ArrowTypeId.Time64 or ArrowTypeId.Duration => Converted<TimeSpan>(name, arrays, FillTimeSpan),
            ArrowTypeId.Struct when IsDateTimeOffsetLayout((StructType)type) => Converted<DateTimeOffset>(name, arrays, FillDateTimeOffset),
            ArrowTypeId.String when arrowStrings => ArrowStrings(name, arrays),
            ArrowTypeId.LargeString when arrowStrings => ArrowStrings(name, arrays),
            ArrowTypeId.String or ArrowTypeId.LargeString or ArrowTypeId.StringView => Strings(name, arrays),
            ArrowTypeId.Null => new StringDataFrameColumn(name, arrays.Sum(a => (long)a.Length)),
            _ => throw Unsupported(name, type),
        };
    }

    private static UnsupportedArrowFeatureException Unsupported(string column, IArrowType type) =>
        new($"type:{type.Name}", $"Column '{column}' has Arrow type {Describe(type)}, which no Microsoft.Data.Analysis column holds (see docs/type-mapping.md).");

    private static string Describe(IArrowType type) => type switch
    {
        DictionaryType d => $"dictionary<{Describe(d.IndexType)}, {Describe(d.ValueType)}>",
        NestedType n => $"{n.Name}<{string.Join(", ", n.Fields.Select(f => $"{f.Name}: {Describe(f.DataType)}"))}>",
        _ => type.Name,
    };

    private static bool IsDateTimeOffsetLayout(StructType type) =>
        type.Fields.Count == 2 && type.Fields[0].Name == "timestamp" && type.Fields[0].DataType is TimestampType
        && type.Fields[1].Name == "offset_minutes" && type.Fields[1].DataType.TypeId == ArrowTypeId.Int16;

    /// <summary>
    /// Types whose layouts agree. One array: its buffers are wrapped (values sliced at the array's offset; the
    /// bitmap too when the offset is a multiple of 8, else copied). Several: concatenated by span copies.
    /// </summary>
    private static DataFrameColumn Fixed<T>(string name, List<IArrowArray> arrays)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        int length = TotalLength<T>(name, arrays);
        if (arrays.Count == 1 && length > 0)
        {
            IArrowArray array = arrays[0];
            ReadOnlyMemory<byte> values = ZeroOffsetMemoryManager.Wrap(array.Data.Buffers[1].Memory.Slice(array.Offset * size, length * size));
            int nulls = array.NullCount;
            ReadOnlyMemory<byte> bitmap = ReadOnlyMemory<byte>.Empty;
            if (nulls != 0)
            {
                bitmap = (array.Offset & 7) == 0
                    ? ZeroOffsetMemoryManager.Wrap(array.Data.Buffers[0].Memory.Slice(array.Offset >> 3, MdaBits.ByteCount(length)))
                    : ValidityOf(arrays, length);
            }

            return CreatePrimitive<T>(name, values, bitmap, length, nulls);
        }

        // The arrays' values fill it end to end, so it needs no zeroing first.
        byte[] data = GC.AllocateUninitializedArray<byte>(length * size);
        int row = 0;
        foreach (IArrowArray array in arrays)
        {
            array.Data.Buffers[1].Span.Slice(array.Offset * size, array.Length * size).CopyTo(data.AsSpan(row * size));
            row += array.Length;
        }

        int nullCount = arrays.Sum(a => a.NullCount);
        return CreatePrimitive<T>(name, data, nullCount == 0 ? ReadOnlyMemory<byte>.Empty : ValidityOf(arrays, length), length, nullCount);
    }

    /// <summary>Types MDA stores differently: one loop per array converts into a fresh buffer.</summary>
    private static DataFrameColumn Converted<T>(string name, List<IArrowArray> arrays, Fill<T> fill)
        where T : unmanaged
    {
        int length = TotalLength<T>(name, arrays);
        var data = new byte[length * Unsafe.SizeOf<T>()];
        int row = 0;
        foreach (IArrowArray array in arrays)
        {
            fill(name, array, MemoryMarshal.Cast<byte, T>(data.AsSpan()).Slice(row, array.Length), row);
            row += array.Length;
        }

        int nullCount = arrays.Sum(a => a.NullCount);
        return CreatePrimitive<T>(name, length == 0 ? ReadOnlyMemory<byte>.Empty : data, nullCount == 0 ? ReadOnlyMemory<byte>.Empty : ValidityOf(arrays, length), length, nullCount);
    }

    private static int TotalLength<T>(string name, List<IArrowArray> arrays)
        where T : unmanaged
    {
        long length = arrays.Sum(a => (long)a.Length);
        if (length * Unsafe.SizeOf<T>() > Array.MaxLength)
        {
            throw new UnsupportedArrowFeatureException("size:mda-buffer", $"Column '{name}' has {length} rows: more than one MDA buffer (2 GiB) holds as {typeof(T).Name}.");
        }

        return (int)length;
    }

    /// <summary>The arrays' validity bitmaps concatenated (a missing bitmap is all valid).</summary>
    private static byte[] ValidityOf(List<IArrowArray> arrays, int length)
    {
        var bitmap = new byte[MdaBits.ByteCount(length)];
        int row = 0;
        foreach (IArrowArray array in arrays)
        {
            if (array.NullCount == 0 || array.Data.Buffers[0].IsEmpty)
            {
                MdaBits.SetRange(bitmap, row, array.Length);
            }
            else
            {
                MdaBits.Copy(array.Data.Buffers[0].Span, array.Offset, bitmap, row, array.Length);
            }

            row += array.Length;
        }

        return bitmap;
    }

    /// <summary>MDA's named column type for <typeparamref name="T"/> where it has one (what MDA's own readers return), else the generic column.</summary>
    private static DataFrameColumn CreatePrimitive<T>(string name, ReadOnlyMemory<byte> values, ReadOnlyMemory<byte> bitmap, int length, int nullCount)
        where T : unmanaged
    {
        if (length == 0)
        {
            // MDA's constructor cannot make an empty column from buffers (it indexes byte -1 of the bitmap).
            values = bitmap = ReadOnlyMemory<byte>.Empty;
        }

        return typeof(T) switch
        {
            var t when t == typeof(sbyte) => new SByteDataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(byte) => new ByteDataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(short) => new Int16DataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(ushort) => new UInt16DataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(int) => new Int32DataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(uint) => new UInt32DataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(long) => new Int64DataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(ulong) => new UInt64DataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(float) => new SingleDataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(double) => new DoubleDataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(char) => new CharDataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(bool) => new BooleanDataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(decimal) => new DecimalDataFrameColumn(name, values, bitmap, length, nullCount),
            var t when t == typeof(DateTime) => new DateTimeDataFrameColumn(name, values, bitmap, length, nullCount),
            _ => new PrimitiveDataFrameColumn<T>(name, values, bitmap, length, nullCount),
        };
    }

    private static void FillHalf(string column, IArrowArray array, Span<float> destination, long firstRow)
    {
        ReadOnlySpan<Half> values = ((HalfFloatArray)array).Values;
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = (float)values[i];
        }
    }

    private static void FillBoolean(string column, IArrowArray array, Span<bool> destination, long firstRow)
    {
        ReadOnlySpan<byte> bits = array.Data.Buffers[1].Span;
        int offset = array.Offset;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = MdaBits.Get(bits, offset + i);
        }
    }

    private static void FillDecimal(string column, IArrowArray array, Span<decimal> destination, long firstRow)
    {
        var type = (FixedSizeBinaryType)array.Data.DataType;
        int width = type.ByteWidth;
        int scale = type switch
        {
            Decimal32Type d => d.Scale,
            Decimal64Type d => d.Scale,
            Decimal128Type d => d.Scale,
            Decimal256Type d => d.Scale,
            _ => 0,
        };
        ReadOnlySpan<byte> values = array.Data.Buffers[1].Span.Slice(array.Offset * width, array.Length * width);
        bool hasNulls = array.NullCount != 0;
        for (int i = 0; i < destination.Length; i++)
        {
            if (hasNulls && array.IsNull(i))
            {
                continue;
            }

            ReadOnlySpan<byte> value = values.Slice(i * width, width);
            bool fits = width switch
            {
                4 => MdaDecimal.TryToDecimal(BinaryPrimitives.ReadInt32LittleEndian(value), scale, out destination[i]),
                8 => MdaDecimal.TryToDecimal(BinaryPrimitives.ReadInt64LittleEndian(value), scale, out destination[i]),
                16 => MdaDecimal.TryToDecimal(BinaryPrimitives.ReadInt128LittleEndian(value), scale, out destination[i]),
                _ => MdaDecimal.TryToDecimal(value, scale, out destination[i]),
            };
            if (!fits)
            {
                string text = DecimalText(new BigInteger(value, isUnsigned: false, isBigEndian: false), scale);
                throw new UnsupportedArrowFeatureException("range:decimal",
                    $"Column '{column}' row {firstRow + i}: the {type.Name}({type switch { Decimal128Type d => d.Precision, Decimal256Type d => d.Precision, Decimal64Type d => d.Precision, Decimal32Type d => d.Precision, _ => 0 }}, {scale}) value {text} does not fit System.Decimal (at most 28-29 significant digits and 28 decimal places).");
            }
        }
    }

    private static string DecimalText(BigInteger unscaled, int scale)
    {
        string digits = BigInteger.Abs(unscaled).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (scale > 0)
        {
            digits = digits.PadLeft(scale + 1, '0');
            digits = digits[..^scale] + "." + digits[^scale..];
        }
        else if (scale < 0)
        {
            digits += new string('0', -scale);
        }

        return (unscaled.Sign < 0 ? "-" : string.Empty) + digits;
    }

    /// <summary>
    /// Timestamps keep their time of day (to the 100 ns tick; nanoseconds are floored). With a zone the value is a
    /// UTC instant (Arrow stores zoned timestamps as UTC) and its Kind is <see cref="DateTimeKind.Utc"/>; without,
    /// it is wall-clock time, Kind <see cref="DateTimeKind.Unspecified"/>. date32/date64 are Unspecified dates.
    /// </summary>
    private static void FillDateTime(string column, IArrowArray array, Span<DateTime> destination, long firstRow)
    {
        IArrowType type = array.Data.DataType;
        (long multiplier, long divisor) = type switch
        {
            TimestampType t => TicksPerUnit(t.Unit),
            Date32Type => (TimeSpan.TicksPerDay, 1L),
            _ => (TimeSpan.TicksPerMillisecond, 1L),
        };
        DateTimeKind kind = type is TimestampType { IsTimeZoneAware: true } ? DateTimeKind.Utc : DateTimeKind.Unspecified;
        long minTicks = DateTime.MinValue.Ticks - DateTime.UnixEpoch.Ticks;
        long maxTicks = DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks;
        bool hasNulls = array.NullCount != 0;
        ReadOnlySpan<int> days = type is Date32Type ? ((Date32Array)array).Values : default;
        ReadOnlySpan<long> longs = type is Date32Type ? default : ((PrimitiveArray<long>)array).Values;
        for (int i = 0; i < destination.Length; i++)
        {
            if (hasNulls && array.IsNull(i))
            {
                continue;
            }

            long raw = type is Date32Type ? days[i] : longs[i];
            long ticks = divisor == 1 ? raw * multiplier : Math.DivRem(raw, divisor, out long rest) - (rest < 0 ? 1 : 0);
            if ((divisor == 1 && (raw > maxTicks / multiplier || raw < minTicks / multiplier)) || ticks > maxTicks || ticks < minTicks)
            {
                throw new UnsupportedArrowFeatureException("range:timestamp",
                    $"Column '{column}' row {firstRow + i}: the {Describe(type)} value {raw} is outside System.DateTime (years 1 to 9999).");
            }

            destination[i] = new DateTime(DateTime.UnixEpoch.Ticks + ticks, kind);
        }
    }

    private static (long Multiplier, long Divisor) TicksPerUnit(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => (TimeSpan.TicksPerSecond, 1L),
        TimeUnit.Millisecond => (TimeSpan.TicksPerMillisecond, 1L),
        TimeUnit.Microsecond => (TimeSpan.TicksPerMicrosecond, 1L),
        _ => (1L, 100L),
    };

    /// <summary>time32/time64 (a time of day) and duration → <see cref="TimeSpan"/>, to the 100 ns tick (nanoseconds floored).</summary>
    private static void FillTimeSpan(string column, IArrowArray array, Span<TimeSpan> destination, long firstRow)
    {
        IArrowType type = array.Data.DataType;
        TimeUnit unit = type switch
        {
            Time32Type t => t.Unit,
            Time64Type t => t.Unit,
            _ => ((DurationType)type).Unit,
        };
        (long multiplier, long divisor) = TicksPerUnit(unit);
        bool hasNulls = array.NullCount != 0;
        ReadOnlySpan<int> ints = type is Time32Type ? ((Time32Array)array).Values : default;
        ReadOnlySpan<long> longs = type is Time32Type ? default : ((PrimitiveArray<long>)array).Values;
        for (int i = 0; i < destination.Length; i++)
        {
            if (hasNulls && array.IsNull(i))
            {
                continue;
            }

            long raw = type is Time32Type ? ints[i] : longs[i];
            if (divisor != 1)
            {
                destination[i] = new TimeSpan(Math.DivRem(raw, divisor, out long rest) - (rest < 0 ? 1 : 0));
            }
            else if (raw > long.MaxValue / multiplier || raw < long.MinValue / multiplier)
            {
                throw new UnsupportedArrowFeatureException("range:duration",
                    $"Column '{column}' row {firstRow + i}: the {Describe(type)} value {raw} is outside System.TimeSpan.");
            }
            else
            {
                destination[i] = new TimeSpan(raw * multiplier);
            }
        }
    }

    private static void FillDateTimeOffset(string column, IArrowArray array, Span<DateTimeOffset> destination, long firstRow)
    {
        var structArray = (StructArray)array;
        var instants = new DateTime[array.Length];
        FillDateTime(column, structArray.Fields[0], instants, firstRow);
        ReadOnlySpan<short> minutes = ((Int16Array)structArray.Fields[1]).Values;
        bool hasNulls = array.NullCount != 0;
        for (int i = 0; i < destination.Length; i++)
        {
            if (hasNulls && array.IsNull(i))
            {
                continue;
            }

            var offset = TimeSpan.FromMinutes(minutes[i]);
            destination[i] = new DateTimeOffset(DateTime.SpecifyKind(instants[i], DateTimeKind.Unspecified) + offset, offset);
        }
    }

    /// <summary>utf8, large utf8, utf8 view → <see cref="StringDataFrameColumn"/>: one .NET string per value.</summary>
    private static StringDataFrameColumn Strings(string name, List<IArrowArray> arrays)
    {
        var values = new string?[arrays.Sum(a => (long)a.Length)];
        long row = 0;
        foreach (IArrowArray array in arrays)
        {
            switch (array)
            {
                case StringArray s:
                    for (int i = 0; i < s.Length; i++)
                    {
                        values[row++] = s.GetString(i);
                    }

                    break;
                case LargeStringArray s:
                    for (int i = 0; i < s.Length; i++)
                    {
                        values[row++] = s.GetString(i);
                    }

                    break;
                case StringViewArray s:
                    for (int i = 0; i < s.Length; i++)
                    {
                        values[row++] = s.GetString(i);
                    }

                    break;
            }
        }

        return new StringDataFrameColumn(name, values);
    }

    /// <summary>
    /// utf8 / large utf8 → <see cref="ArrowStringDataFrameColumn"/>. One utf8 array is wrapped (offsets sliced at
    /// the array's offset: they need not start at 0); otherwise values are concatenated and offsets rebased.
    /// </summary>
    private static ArrowStringDataFrameColumn ArrowStrings(string name, List<IArrowArray> arrays)
    {
        int length = TotalLength<int>(name, arrays);
        int nullCount = arrays.Sum(a => a.NullCount);
        if (arrays is [StringArray single] && length > 0)
        {
            ReadOnlyMemory<byte> offsets = ZeroOffsetMemoryManager.Wrap(single.ValueOffsetsBuffer.Memory.Slice(single.Offset * sizeof(int), (length + 1) * sizeof(int)));
            ReadOnlyMemory<byte> bitmap = nullCount == 0 ? ReadOnlyMemory<byte>.Empty
                : (single.Offset & 7) == 0 ? ZeroOffsetMemoryManager.Wrap(single.NullBitmapBuffer.Memory.Slice(single.Offset >> 3, MdaBits.ByteCount(length)))
                : ValidityOf(arrays, length);
            return new ArrowStringDataFrameColumn(name, ZeroOffsetMemoryManager.Wrap(single.ValueBuffer.Memory), offsets, bitmap, length, nullCount);
        }

        long totalBytes = 0;
        foreach (IArrowArray array in arrays)
        {
            (long first, long last) = OffsetRange(array, 0, array.Length);
            totalBytes += last - first;
        }

        if (totalBytes > Array.MaxLength)
        {
            throw new UnsupportedArrowFeatureException("size:mda-buffer", $"Column '{name}' holds {totalBytes} bytes of UTF-8: more than an ArrowStringDataFrameColumn buffer (2 GiB) holds.");
        }

        // The arrays' bytes fill the values end to end (no zeroing first); the offsets start at the zero of a new array.
        byte[] values = GC.AllocateUninitializedArray<byte>((int)totalBytes);
        var offsetBytes = new byte[(length + 1) * sizeof(int)];
        Span<int> newOffsets = MemoryMarshal.Cast<byte, int>(offsetBytes.AsSpan());
        int row = 0;
        int position = 0;
        foreach (IArrowArray array in arrays)
        {
            // One copy of the array's bytes, then its offsets moved to where those bytes now start.
            (long first, long last) = OffsetRange(array, 0, array.Length);
            array.Data.Buffers[2].Span.Slice((int)first, (int)(last - first)).CopyTo(values.AsSpan(position));
            long shift = position - first;
            ReadOnlySpan<byte> offsets = array.Data.Buffers[1].Span;
            bool large = array.Data.DataType.TypeId == ArrowTypeId.LargeString;
            for (int i = 1; i <= array.Length; i++)
            {
                int at = array.Offset + i;
                long offset = large ? BinaryPrimitives.ReadInt64LittleEndian(offsets.Slice(at * 8)) : BinaryPrimitives.ReadInt32LittleEndian(offsets.Slice(at * 4));
                newOffsets[row + i] = (int)(offset + shift);
            }

            row += array.Length;
            position += (int)(last - first);
        }

        return new ArrowStringDataFrameColumn(name, values, offsetBytes, nullCount == 0 ? ReadOnlyMemory<byte>.Empty : ValidityOf(arrays, length), length, nullCount);
    }

    /// <summary>Byte positions [first, last) of rows [row, row + count) of a utf8 or large utf8 array.</summary>
    private static (long First, long Last) OffsetRange(IArrowArray array, int row, int count)
    {
        ReadOnlySpan<byte> offsets = array.Data.Buffers[1].Span;
        int at = array.Offset + row;
        return array.Data.DataType.TypeId == ArrowTypeId.LargeString
            ? (BinaryPrimitives.ReadInt64LittleEndian(offsets.Slice(at * 8)), BinaryPrimitives.ReadInt64LittleEndian(offsets.Slice((at + count) * 8)))
            : (BinaryPrimitives.ReadInt32LittleEndian(offsets.Slice(at * 4)), BinaryPrimitives.ReadInt32LittleEndian(offsets.Slice((at + count) * 4)));
    }
}
