using System.Runtime.InteropServices;
using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// Concatenates arrays of one type into a new array with freshly allocated buffers (64-byte aligned).
/// Used for dictionary deltas; works for every type, sliced inputs included.
/// </summary>
/// <remarks>
/// Variable-width offsets are rebased; list-like children are cut to the range each input uses; struct,
/// fixed-size list and sparse union children are cut at each input's offset; dense union children are
/// appended whole with each input's offsets shifted by what earlier inputs put in that child. Dictionary
/// arrays keep their indices as they are and take the dictionary of the last input: callers concatenate
/// only arrays whose dictionaries are prefixes of the last one (as IPC dictionary deltas guarantee).
/// </remarks>
internal static class ArrayConcatenator
{
    /// <summary>Concatenates <paramref name="arrays"/> (at least one, all of the same type).</summary>
    /// <exception cref="ArgumentException">No arrays, mixed types, or a result longer than <see cref="int.MaxValue"/>.</exception>
    public static ArrayData Concatenate(IReadOnlyList<ArrayData> arrays, ArrowMemoryAllocator? allocator = null)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        if (arrays.Count == 0)
        {
            throw new ArgumentException("At least one array is needed.", nameof(arrays));
        }

        allocator ??= ArrowMemoryAllocator.Default;
        IArrowType type = arrays[0].DataType;
        long total = 0;
        foreach (ArrayData a in arrays)
        {
            if (!ArrowTypeEquality.SameLayout(a.DataType, type))
            {
                throw new ArgumentException($"Cannot concatenate {ArrowTypeText.Of(a.DataType)} with {ArrowTypeText.Of(type)}.", nameof(arrays));
            }

            total += a.Length;
        }

        if (total > int.MaxValue)
        {
            throw new ArgumentException($"The result would have {total} elements.", nameof(arrays));
        }

        int length = (int)total;
        if (type.TypeId == ArrowTypeId.Null)
        {
            return new ArrayData(type, length, length, 0, System.Array.Empty<ArrowBuffer>());
        }

        if (type.TypeId == ArrowTypeId.Union)
        {
            return ConcatenateUnion((UnionType)type, arrays, length, allocator);
        }

        if (type.TypeId == ArrowTypeId.RunEndEncoded)
        {
            return ConcatenateRunEndEncoded((RunEndEncodedType)type, arrays, length, allocator);
        }

        (ArrowBuffer validity, int nullCount) = ConcatenateValidity(arrays, length, allocator);
        switch (type.TypeId)
        {
            case ArrowTypeId.Boolean:
                return new ArrayData(type, length, nullCount, 0, [validity, ConcatenateBits(arrays, 1, length, allocator)]);
            case ArrowTypeId.String:
            case ArrowTypeId.Binary:
            case ArrowTypeId.LargeString:
            case ArrowTypeId.LargeBinary:
            {
                bool large = TypeLayout.HasLargeOffsets(type);
                (ArrowBuffer offsets, (long First, long Last)[] ranges) = ConcatenateOffsets(arrays, length, large, allocator);
                long bytes = 0;
                foreach ((long first, long last) in ranges)
                {
                    bytes += last - first;
                }

                Memory<byte> data = allocator.Allocate(checked((int)bytes));
                int at = 0;
                for (int i = 0; i < arrays.Count; i++)
                {
                    ReadOnlySpan<byte> source = arrays[i].Buffers[2].Span[(int)ranges[i].First..(int)ranges[i].Last];
                    source.CopyTo(data.Span[at..]);
                    at += source.Length;
                }

                return new ArrayData(type, length, nullCount, 0, [validity, offsets, new ArrowBuffer(data)]);
            }

            case ArrowTypeId.List:
            case ArrowTypeId.Map:
            case ArrowTypeId.LargeList:
            {
                (ArrowBuffer offsets, (long First, long Last)[] ranges) = ConcatenateOffsets(arrays, length, type.TypeId == ArrowTypeId.LargeList, allocator);
                var parts = new ArrayData[arrays.Count];
                for (int i = 0; i < parts.Length; i++)
                {
                    parts[i] = arrays[i].Children[0].Slice((int)ranges[i].First, (int)(ranges[i].Last - ranges[i].First));
                }

                return new ArrayData(type, length, nullCount, 0, [validity, offsets], [Concatenate(parts, allocator)]);
            }

            case ArrowTypeId.FixedSizeList:
            {
                int size = ((FixedSizeListType)type).ListSize;
                ArrayData child = Concatenate([.. arrays.Select(a => a.Children[0].Slice(a.Offset * size, a.Length * size))], allocator);
                return new ArrayData(type, length, nullCount, 0, [validity], [child]);
            }

            case ArrowTypeId.Struct:
            {
                var children = new ArrayData[TypeLayout.Children(type).Count];
                for (int c = 0; c < children.Length; c++)
                {
                    children[c] = Concatenate([.. arrays.Select(a => a.Children[c].Slice(a.Offset, a.Length))], allocator);
                }

                return new ArrayData(type, length, nullCount, 0, [validity], children);
            }

            case ArrowTypeId.StringView:
            case ArrowTypeId.BinaryView:
                return ConcatenateViews(type, arrays, length, validity, nullCount, allocator);
            case ArrowTypeId.ListView:
            case ArrowTypeId.LargeListView:
                return ConcatenateListViews(type, arrays, length, validity, nullCount, allocator);
            case ArrowTypeId.Dictionary:
                return new ArrayData(type, length, nullCount, 0, [validity, ConcatenateFixed(arrays, 1, TypeLayout.ByteWidth(type), length, allocator)], null, arrays[^1].Dictionary);
            default:
                return new ArrayData(type, length, nullCount, 0, [validity, ConcatenateFixed(arrays, 1, TypeLayout.ByteWidth(type), length, allocator)]);
        }
    }

    /// <summary>
    /// List views: the children are appended whole; each input's offsets shift by the child lengths before it,
    /// sizes are copied.
    /// </summary>
    private static ArrayData ConcatenateListViews(IArrowType type, IReadOnlyList<ArrayData> arrays, int length, ArrowBuffer validity, int nullCount, ArrowMemoryAllocator allocator)
    {
        bool large = type.TypeId == ArrowTypeId.LargeListView;
        int width = large ? 8 : 4;
        Memory<byte> offsets = allocator.Allocate(checked(length * width));
        Memory<byte> sizes = allocator.Allocate(checked(length * width));
        long shift = 0;
        int at = 0;
        foreach (ArrayData a in arrays)
        {
            a.Buffers[2].Span.Slice(a.Offset * width, a.Length * width).CopyTo(sizes.Span[(at * width)..]);
            if (large)
            {
                ReadOnlySpan<long> source = a.Buffers[1].Span.CastTo<long>().Slice(a.Offset, a.Length);
                Span<long> target = MemoryMarshal.Cast<byte, long>(offsets.Span).Slice(at, a.Length);
                for (int i = 0; i < source.Length; i++)
                {
                    target[i] = source[i] + shift;
                }
            }
            else
            {
                ReadOnlySpan<int> source = a.Buffers[1].Span.CastTo<int>().Slice(a.Offset, a.Length);
                Span<int> target = MemoryMarshal.Cast<byte, int>(offsets.Span).Slice(at, a.Length);
                for (int i = 0; i < source.Length; i++)
                {
                    target[i] = checked((int)(source[i] + shift));
                }
            }

            shift += a.Children[0].Length;
            at += a.Length;
        }

        ArrayData child = Concatenate([.. arrays.Select(a => a.Children[0])], allocator);
        return new ArrayData(type, length, nullCount, 0, [validity, new ArrowBuffer(offsets), new ArrowBuffer(sizes)], [child]);
    }

    /// <summary>
    /// Run-end encoded: each input contributes the runs its slice touches, with run ends rebased to where the input
    /// starts in the result and cut to its length; the values of those runs are concatenated alongside.
    /// </summary>
    private static ArrayData ConcatenateRunEndEncoded(RunEndEncodedType type, IReadOnlyList<ArrayData> arrays, int length, ArrowMemoryAllocator allocator)
    {
        var ends = new List<long>();
        var values = new List<ArrayData>();
        long start = 0;
        foreach (ArrayData a in arrays)
        {
            if (a.Length == 0)
            {
                continue;
            }

            ArrayData runEnds = a.Children[0];
            int first = SlotReader.GetRunIndex(a, a.Offset);
            int last = SlotReader.GetRunIndex(a, a.Offset + a.Length - 1);
            for (int r = first; r <= last; r++)
            {
                long end = SlotReader.GetRunEnd(runEnds, r);
                ends.Add(start + Math.Min(end - a.Offset, a.Length));
            }

            values.Add(a.Children[1].Slice(first, last - first + 1));
            start += a.Length;
        }

        int width = TypeLayout.ByteWidth(type.RunEndsDataType);
        Memory<byte> endBytes = allocator.Allocate(checked(ends.Count * width));
        for (int r = 0; r < ends.Count; r++)
        {
            switch (width)
            {
                case 2:
                    MemoryMarshal.Cast<byte, short>(endBytes.Span)[r] = checked((short)ends[r]);
                    break;
                case 4:
                    MemoryMarshal.Cast<byte, int>(endBytes.Span)[r] = checked((int)ends[r]);
                    break;
                default:
                    MemoryMarshal.Cast<byte, long>(endBytes.Span)[r] = ends[r];
                    break;
            }
        }

        var runEndsData = new ArrayData(type.RunEndsDataType, ends.Count, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(endBytes)]);
        ArrayData valuesData = values.Count == 0
            ? AllNullArrays.Create(type.ValuesDataType, 0, allocator)
            : Concatenate(values, allocator);
        return new ArrayData(type, length, 0, 0, System.Array.Empty<ArrowBuffer>(), [runEndsData, valuesData]);
    }

    /// <summary>
    /// Binary and string views: the views are copied with the buffer index of each out-of-line view shifted by
    /// the data buffers of the inputs before it; the data buffers are shared, not copied.
    /// </summary>
    private static ArrayData ConcatenateViews(IArrowType type, IReadOnlyList<ArrayData> arrays, int length, ArrowBuffer validity, int nullCount, ArrowMemoryAllocator allocator)
    {
        Memory<byte> views = allocator.Allocate(checked(length * 16));
        var buffers = new List<ArrowBuffer> { validity, new(views) };
        int at = 0;
        foreach (ArrayData a in arrays)
        {
            int shift = buffers.Count - 2;
            a.Buffers[1].Span.Slice(a.Offset * 16, a.Length * 16).CopyTo(views.Span[(at * 16)..]);
            for (int i = 0; i < a.Length; i++)
            {
                Span<byte> view = views.Span.Slice((at + i) * 16, 16);
                if (shift != 0 && System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(view) > 12)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(view[8..], System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(view[8..]) + shift);
                }
            }

            for (int b = 2; b < a.Buffers.Length; b++)
            {
                buffers.Add(a.Buffers[b]);
            }

            at += a.Length;
        }

        return new ArrayData(type, length, nullCount, 0, [.. buffers]);
    }

    private static ArrayData ConcatenateUnion(UnionType type, IReadOnlyList<ArrayData> arrays, int length, ArrowMemoryAllocator allocator)
    {
        ArrowBuffer typeIds = ConcatenateFixed(arrays, 0, 1, length, allocator);
        var children = new ArrayData[type.Fields.Count];
        if (type.Mode == UnionMode.Sparse)
        {
            for (int c = 0; c < children.Length; c++)
            {
                children[c] = Concatenate([.. arrays.Select(a => a.Children[c].Slice(a.Offset, a.Length))], allocator);
            }

            return new ArrayData(type, length, 0, 0, [typeIds], children);
        }

        // Dense: children appended whole; each input's offsets shift by the child lengths before it.
        Memory<byte> offsets = allocator.Allocate(length * 4);
        Span<int> target = MemoryMarshal.Cast<byte, int>(offsets.Span);
        var shift = new int[children.Length];
        int at = 0;
        foreach (ArrayData a in arrays)
        {
            ReadOnlySpan<byte> ids = a.Buffers[0].Span.Slice(a.Offset, a.Length);
            ReadOnlySpan<int> source = a.Buffers[1].Span.CastTo<int>().Slice(a.Offset, a.Length);
            for (int i = 0; i < ids.Length; i++)
            {
                target[at++] = source[i] + shift[System.Array.IndexOf(type.TypeIds, (int)(sbyte)ids[i])];
            }

            for (int c = 0; c < children.Length; c++)
            {
                shift[c] += a.Children[c].Length;
            }
        }

        for (int c = 0; c < children.Length; c++)
        {
            children[c] = Concatenate([.. arrays.Select(a => a.Children[c])], allocator);
        }

        return new ArrayData(type, length, 0, 0, [typeIds, new ArrowBuffer(offsets)], children);
    }

    private static (ArrowBuffer Validity, int NullCount) ConcatenateValidity(IReadOnlyList<ArrayData> arrays, int length, ArrowMemoryAllocator allocator)
    {
        int nullCount = 0;
        foreach (ArrayData a in arrays)
        {
            nullCount += a.GetNullCount();
        }

        if (nullCount == 0)
        {
            return (ArrowBuffer.Empty, 0);
        }

        Memory<byte> bitmap = allocator.Allocate(BitOps.ByteCount(length));
        int at = 0;
        foreach (ArrayData a in arrays)
        {
            if (a.GetNullCount() == 0 || a.Buffers[0].IsEmpty)
            {
                SetBits(bitmap.Span, at, a.Length);
            }
            else
            {
                CopyBits(a.Buffers[0].Span, a.Offset, bitmap.Span, at, a.Length);
            }

            at += a.Length;
        }

        return (new ArrowBuffer(bitmap), nullCount);
    }

    private static ArrowBuffer ConcatenateBits(IReadOnlyList<ArrayData> arrays, int buffer, int length, ArrowMemoryAllocator allocator)
    {
        Memory<byte> bits = allocator.Allocate(BitOps.ByteCount(length));
        int at = 0;
        foreach (ArrayData a in arrays)
        {
            CopyBits(a.Buffers[buffer].Span, a.Offset, bits.Span, at, a.Length);
            at += a.Length;
        }

        return new ArrowBuffer(bits);
    }

    private static ArrowBuffer ConcatenateFixed(IReadOnlyList<ArrayData> arrays, int buffer, int width, int length, ArrowMemoryAllocator allocator)
    {
        Memory<byte> values = allocator.Allocate(checked(length * width));
        int at = 0;
        foreach (ArrayData a in arrays)
        {
            ReadOnlySpan<byte> source = a.Buffers[buffer].Span.Slice(a.Offset * width, a.Length * width);
            source.CopyTo(values.Span[at..]);
            at += source.Length;
        }

        return new ArrowBuffer(values);
    }

    /// <summary>Concatenated offsets starting at 0, and the [first, last) range each input uses.</summary>
    private static (ArrowBuffer Offsets, (long First, long Last)[] Ranges) ConcatenateOffsets(IReadOnlyList<ArrayData> arrays, int length, bool large, ArrowMemoryAllocator allocator)
    {
        int width = large ? 8 : 4;
        Memory<byte> memory = allocator.Allocate(checked((length + 1) * width));
        var ranges = new (long First, long Last)[arrays.Count];
        long running = 0;
        int at = 0;
        for (int i = 0; i < arrays.Count; i++)
        {
            ArrayData a = arrays[i];
            if (a.Length == 0)
            {
                continue;
            }

            if (large)
            {
                ReadOnlySpan<long> source = a.Buffers[1].Span.CastTo<long>().Slice(a.Offset, a.Length + 1);
                Span<long> target = MemoryMarshal.Cast<byte, long>(memory.Span);
                ranges[i] = (source[0], source[^1]);
                for (int j = 0; j < a.Length; j++)
                {
                    target[at++] = source[j] - source[0] + running;
                }
            }
            else
            {
                ReadOnlySpan<int> source = a.Buffers[1].Span.CastTo<int>().Slice(a.Offset, a.Length + 1);
                Span<int> target = MemoryMarshal.Cast<byte, int>(memory.Span);
                ranges[i] = (source[0], source[^1]);
                for (int j = 0; j < a.Length; j++)
                {
                    target[at++] = checked((int)(source[j] - source[0] + running));
                }
            }

            running += ranges[i].Last - ranges[i].First;
        }

        if (large)
        {
            MemoryMarshal.Cast<byte, long>(memory.Span)[length] = running;
        }
        else
        {
            MemoryMarshal.Cast<byte, int>(memory.Span)[length] = checked((int)running);
        }

        return (new ArrowBuffer(memory), ranges);
    }

    private static void SetBits(Span<byte> bitmap, int offset, int length)
    {
        for (int i = 0; i < length; i++)
        {
            BitOps.SetBit(bitmap, offset + i, true);
        }
    }

    private static void CopyBits(ReadOnlySpan<byte> source, int sourceOffset, Span<byte> target, int targetOffset, int length)
    {
        if ((sourceOffset & 7) == 0 && (targetOffset & 7) == 0)
        {
            int whole = length >> 3;
            source.Slice(sourceOffset >> 3, whole).CopyTo(target[(targetOffset >> 3)..]);
            for (int i = whole << 3; i < length; i++)
            {
                BitOps.SetBit(target, targetOffset + i, BitOps.GetBit(source, sourceOffset + i));
            }

            return;
        }

        for (int i = 0; i < length; i++)
        {
            BitOps.SetBit(target, targetOffset + i, BitOps.GetBit(source, sourceOffset + i));
        }
    }
}
