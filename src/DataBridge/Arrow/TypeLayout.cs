namespace DataBridge.Arrow;

/// <summary>
/// Layout facts of Apache.Arrow types that the codec and the frame layers need in one place: the value width of
/// fixed-width types, the child fields of nested types, and the storage kind.
/// </summary>
internal static class TypeLayout
{
    /// <summary>
    /// Whether values of <paramref name="type"/> are stored as one fixed-width value buffer beside the validity
    /// bitmap (integers, floats, decimals, dates, times, timestamps, durations, intervals, fixed-size binary).
    /// Booleans are bit-packed and not counted here.
    /// </summary>
    public static bool IsFixedWidth(IArrowType type) => type is FixedWidthType and not BooleanType;

    /// <summary>The byte width of one value of a fixed-width type (see <see cref="IsFixedWidth"/>).</summary>
    public static int ByteWidth(IArrowType type) => type is FixedWidthType fixedWidth ? fixedWidth.BitWidth / 8 : 0;

    /// <summary>The child fields of a nested type (none for other types, dictionaries included).</summary>
    public static IReadOnlyList<Field> Children(IArrowType type) => type is NestedType nested ? nested.Fields : [];

    /// <summary>Whether the type is utf8, binary or their large variants (validity, offsets, data).</summary>
    public static bool IsVariableBinary(IArrowType type) =>
        type.TypeId is ArrowTypeId.String or ArrowTypeId.Binary or ArrowTypeId.LargeString or ArrowTypeId.LargeBinary;

    /// <summary>The integer type of <paramref name="bitWidth"/> bits (8, 16, 32 or 64), or null for another width.</summary>
    public static IntegerType? Integer(int bitWidth, bool signed) => (bitWidth, signed) switch
    {
        (8, true) => Int8Type.Default,
        (8, false) => UInt8Type.Default,
        (16, true) => Int16Type.Default,
        (16, false) => UInt16Type.Default,
        (32, true) => Int32Type.Default,
        (32, false) => UInt32Type.Default,
        (64, true) => Int64Type.Default,
        (64, false) => UInt64Type.Default,
        _ => null,
    };

    /// <summary>Whether a variable-width or list type uses 64-bit offsets.</summary>
    public static bool HasLargeOffsets(IArrowType type) =>
        type.TypeId is ArrowTypeId.LargeString or ArrowTypeId.LargeBinary or ArrowTypeId.LargeList or ArrowTypeId.LargeListView;
}

/// <summary>Reads single values out of Apache.Arrow <see cref="ArrayData"/> by absolute slot (the array's offset already added).</summary>
internal static class SlotReader
{
    /// <summary>
    /// The bytes of slot <paramref name="slot"/> of a utf8, binary, large or view array. The array must have
    /// passed the reader's checks (or been built by us): offsets and views are trusted here.
    /// </summary>
    public static ReadOnlySpan<byte> GetBytes(ArrayData data, int slot)
    {
        switch (data.DataType.TypeId)
        {
            case ArrowTypeId.String:
            case ArrowTypeId.Binary:
            {
                ReadOnlySpan<int> offsets = data.Buffers[1].Span.CastTo<int>();
                return data.Buffers[2].Span[offsets[slot]..offsets[slot + 1]];
            }

            case ArrowTypeId.LargeString:
            case ArrowTypeId.LargeBinary:
            {
                ReadOnlySpan<long> offsets = data.Buffers[1].Span.CastTo<long>();
                return data.Buffers[2].Span[(int)offsets[slot]..(int)offsets[slot + 1]];
            }

            case ArrowTypeId.StringView:
            case ArrowTypeId.BinaryView:
            {
                ReadOnlySpan<byte> view = data.Buffers[1].Span.Slice(slot * 16, 16);
                int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(view);
                if (length <= 12)
                {
                    return view.Slice(4, length);
                }

                int buffer = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(view[8..]);
                int offset = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(view[12..]);
                return data.Buffers[2 + buffer].Span.Slice(offset, length);
            }

            default:
                throw new ArgumentException($"{ArrowTypeText.Of(data.DataType)} is not a binary type.", nameof(data));
        }
    }

    /// <summary>The dictionary index at absolute slot <paramref name="slot"/> of a dictionary-encoded array.</summary>
    public static long GetIndex(ArrayData data, int slot)
    {
        ReadOnlySpan<byte> bytes = data.Buffers[1].Span;
        return ((DictionaryType)data.DataType).IndexType.TypeId switch
        {
            ArrowTypeId.Int8 => (sbyte)bytes[slot],
            ArrowTypeId.UInt8 => bytes[slot],
            ArrowTypeId.Int16 => bytes.CastTo<short>()[slot],
            ArrowTypeId.UInt16 => bytes.CastTo<ushort>()[slot],
            ArrowTypeId.Int32 => bytes.CastTo<int>()[slot],
            ArrowTypeId.UInt32 => bytes.CastTo<uint>()[slot],
            ArrowTypeId.Int64 => bytes.CastTo<long>()[slot],
            _ => (long)bytes.CastTo<ulong>()[slot],
        };
    }

    /// <summary>
    /// The run holding logical slot <paramref name="slot"/> (the array's offset added) of a run-end encoded array:
    /// an index relative to each child's own offset (run ends and values are parallel).
    /// </summary>
    public static int GetRunIndex(ArrayData data, int slot)
    {
        ArrayData runEnds = data.Children[0];
        ReadOnlySpan<byte> bytes = runEnds.Buffers[1].Span;
        return runEnds.DataType.TypeId switch
        {
            ArrowTypeId.Int16 => Search(bytes.CastTo<short>().Slice(runEnds.Offset, runEnds.Length), slot),
            ArrowTypeId.Int32 => Search(bytes.CastTo<int>().Slice(runEnds.Offset, runEnds.Length), slot),
            _ => Search(bytes.CastTo<long>().Slice(runEnds.Offset, runEnds.Length), slot),
        };

        static int Search<T>(ReadOnlySpan<T> ends, int slot)
            where T : unmanaged, System.Numerics.IBinaryInteger<T>
        {
            // The first run whose end is above the slot.
            int lo = 0;
            int hi = ends.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (long.CreateTruncating(ends[mid]) <= slot)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }

    /// <summary>The run end at <paramref name="index"/> (relative to the run-ends array's offset) of a run-ends child.</summary>
    public static long GetRunEnd(ArrayData runEnds, int index)
    {
        ReadOnlySpan<byte> bytes = runEnds.Buffers[1].Span;
        int at = runEnds.Offset + index;
        return runEnds.DataType.TypeId switch
        {
            ArrowTypeId.Int16 => bytes.CastTo<short>()[at],
            ArrowTypeId.Int32 => bytes.CastTo<int>()[at],
            _ => bytes.CastTo<long>()[at],
        };
    }

    /// <summary>Whether absolute slot <paramref name="slot"/> is valid (not null) by the array's own bitmap.</summary>
    /// <remarks>Null arrays have no valid slot; unions and run-end encoded arrays have no bitmap (their nulls are in their children).</remarks>
    public static bool IsValid(ArrayData data, int slot) => data.DataType.TypeId switch
    {
        ArrowTypeId.Null => false,
        ArrowTypeId.Union or ArrowTypeId.RunEndEncoded => true,
        _ => data.NullCount == 0 || data.Buffers[0].IsEmpty || BitOps.GetBit(data.Buffers[0].Span, slot),
    };
}
