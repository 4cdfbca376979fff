using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// Arrays of any Arrow type whose elements are all null (length 0 gives the type's empty array): what an
/// empty partition of a frame holds, and what a column typed null elsewhere becomes under a wider schema.
/// </summary>
/// <remarks>
/// Every buffer is zeroed (so offsets are all 0, values and union type ids point at the first child), has
/// the size the type's layout needs for <c>length</c> elements, and the validity bitmap (when the type
/// has one) is all zero bits. Nested types get all-null children of the lengths their parents address.
/// </remarks>
internal static class AllNullArrays
{
    /// <summary>All-null (or empty) array data of <paramref name="type"/>.</summary>
    /// <exception cref="NotSupportedException">An extension type, whose storage this does not know.</exception>
    public static ArrayData Create(IArrowType type, int length, ArrowMemoryAllocator? allocator = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        allocator ??= ArrowMemoryAllocator.Default;
        ArrowBuffer Zeros(long bytes) => bytes == 0 ? ArrowBuffer.Empty : new ArrowBuffer(allocator.Allocate(checked((int)bytes)));
        ArrowBuffer validity = Zeros(BitOps.ByteCount((long)length));
        ArrayData Data(ArrowBuffer[] buffers, ArrayData[]? children = null, ArrayData? dictionary = null) =>
            new(type, length, length, 0, buffers, children, dictionary);

        switch (type)
        {
            case NullType:
                return Data([]);
            case DictionaryType d:
                return Data([validity, Zeros(BitOps.ByteCount((long)((FixedWidthType)d.IndexType).BitWidth * length))], [], Create(d.ValueType, 0, allocator));
            case FixedWidthType f: // bool, numbers, temporal types, intervals, fixed-size binary and decimals
                return Data([validity, Zeros(BitOps.ByteCount((long)f.BitWidth * length))]);
            case StringType or BinaryType:
                return Data([validity, Zeros(4L * (length + 1)), ArrowBuffer.Empty]);
            case LargeStringType or LargeBinaryType:
                return Data([validity, Zeros(8L * (length + 1)), ArrowBuffer.Empty]);
            case StringViewType or BinaryViewType:
                return Data([validity, Zeros(16L * length)]);
            case MapType m:
                return Data([validity, Zeros(4L * (length + 1))], [Create(m.Fields[0].DataType, 0, allocator)]);
            case ListType l:
                return Data([validity, Zeros(4L * (length + 1))], [Create(l.ValueDataType, 0, allocator)]);
            case LargeListType l:
                return Data([validity, Zeros(8L * (length + 1))], [Create(l.ValueDataType, 0, allocator)]);
            case ListViewType l:
                return Data([validity, Zeros(4L * length), Zeros(4L * length)], [Create(l.ValueDataType, 0, allocator)]);
            case LargeListViewType l:
                return Data([validity, Zeros(8L * length), Zeros(8L * length)], [Create(l.ValueDataType, 0, allocator)]);
            case FixedSizeListType l:
                return Data([validity], [Create(l.ValueDataType, checked(l.ListSize * length), allocator)]);
            case StructType s:
                return Data([validity], [.. s.Fields.Select(f => Create(f.DataType, length, allocator))]);
            case UnionType u:
                return Union(u, length, allocator);
            case RunEndEncodedType r:
                return RunEnd(r, length, allocator);
            default:
                throw new NotSupportedException($"Cannot make an all-null array of {type.Name}.");
        }
    }

    /// <summary>
    /// A union has no validity bitmap: its nulls are its children's. Every element selects the first
    /// child (its type id), which is null there: all rows of a sparse child, row 0 of a dense one.
    /// </summary>
    private static ArrayData Union(UnionType type, int length, ArrowMemoryAllocator allocator)
    {
        if (type.Fields.Count == 0)
        {
            throw new NotSupportedException("A union without children cannot hold nulls.");
        }

        Memory<byte> ids = allocator.Allocate(length);
        ids.Span.Fill((byte)type.TypeIds[0]);
        var typeIds = new ArrowBuffer(ids);

        bool dense = type.Mode == UnionMode.Dense;
        var children = new ArrayData[type.Fields.Count];
        for (int c = 0; c < children.Length; c++)
        {
            int childLength = !dense ? length : c == 0 && length > 0 ? 1 : 0;
            children[c] = Create(type.Fields[c].DataType, childLength, allocator);
        }

        ArrowBuffer[] buffers = dense
            ? [typeIds, length == 0 ? ArrowBuffer.Empty : new ArrowBuffer(allocator.Allocate(checked(4 * length)))]
            : [typeIds];
        return new ArrayData(type, length, length, 0, buffers, children);
    }

    /// <summary>One run of <paramref name="length"/> nulls (no run when empty).</summary>
    private static ArrayData RunEnd(RunEndEncodedType type, int length, ArrowMemoryAllocator allocator)
    {
        int runs = length == 0 ? 0 : 1;
        int width = ((FixedWidthType)type.RunEndsDataType).BitWidth / 8;
        Memory<byte> ends = allocator.Allocate(runs * width);
        if (runs == 1)
        {
            Span<byte> span = ends.Span;
            switch (width)
            {
                case 2: BitConverter.TryWriteBytes(span, checked((short)length)); break;
                case 4: BitConverter.TryWriteBytes(span, length); break;
                default: BitConverter.TryWriteBytes(span, (long)length); break;
            }
        }

        var runEnds = new ArrayData(type.RunEndsDataType, runs, 0, 0, new[] { ArrowBuffer.Empty, new ArrowBuffer(ends) });
        return new ArrayData(type, length, length, 0, System.Array.Empty<ArrowBuffer>(), new[] { runEnds, Create(type.ValuesDataType, runs, allocator) });
    }
}
