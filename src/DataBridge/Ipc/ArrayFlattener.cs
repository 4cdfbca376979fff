using System.Runtime.InteropServices;

namespace DataBridge.Ipc;

/// <summary>
/// Flattens an array into the pre-order FieldNodes and buffers of an IPC body (Columnar format,
/// "Buffer Listing"). Sliced arrays are written as if they started at 0: bitmaps are re-based (copied only
/// when the offset is not a multiple of 8), offsets are rebased to start at 0 (copied only when they do
/// not already), and children are cut to the range the slice uses. Fixed-width values are never touched
/// one by one: their buffers are slices of the caller's memory.
/// </summary>
internal static class ArrayFlattener
{
    private static readonly byte[] ZeroOffset = new byte[8];

    public static void Flatten(ArrayData data, BodyLayout layout)
    {
        IArrowType type = data.DataType;
        int length = data.Length;
        int offset = data.Offset;
        switch (type.TypeId)
        {
            case ArrowTypeId.Null:
                layout.AddNode(length, length);
                return;
            case ArrowTypeId.Union:
                layout.AddNode(length, 0);
                FlattenUnion(data, (UnionType)type, layout);
                return;
            case ArrowTypeId.RunEndEncoded:
                layout.AddNode(length, 0);
                FlattenRunEndEncoded(data, layout);
                return;
        }

        int nullCount = data.Buffers[0].IsEmpty ? 0 : data.GetNullCount();
        layout.AddNode(length, nullCount);
        if (nullCount == 0)
        {
            layout.AddBuffer(ReadOnlyMemory<byte>.Empty);
        }
        else
        {
            AddBitmap(data.Buffers[0].Memory, offset, length, layout);
        }

        switch (type.TypeId)
        {
            case ArrowTypeId.Boolean:
                AddBitmap(data.Buffers[1].Memory, offset, length, layout);
                break;
            case ArrowTypeId.String:
            case ArrowTypeId.Binary:
            {
                (long first, long last) = AddOffsets32(data, layout);
                layout.AddBuffer(data.Buffers[2].Memory[(int)first..(int)last]);
                break;
            }

            case ArrowTypeId.LargeString:
            case ArrowTypeId.LargeBinary:
            {
                (long first, long last) = AddOffsets64(data, layout);
                layout.AddBuffer(data.Buffers[2].Memory[(int)first..(int)last]);
                break;
            }

            case ArrowTypeId.StringView:
            case ArrowTypeId.BinaryView:
            {
                // Views address their data buffers by index and offset: the views are cut to the slice and
                // every data buffer goes along whole (the batch says how many).
                layout.AddBuffer(data.Buffers[1].Memory.Slice(offset * 16, length * 16));
                layout.AddVariadicCount(data.Buffers.Length - 2);
                for (int b = 2; b < data.Buffers.Length; b++)
                {
                    layout.AddBuffer(data.Buffers[b].Memory);
                }

                break;
            }

            case ArrowTypeId.List:
            case ArrowTypeId.Map:
            {
                (long first, long last) = AddOffsets32(data, layout);
                Flatten(data.Children[0].Slice((int)first, (int)(last - first)), layout);
                break;
            }

            case ArrowTypeId.LargeList:
            {
                (long first, long last) = AddOffsets64(data, layout);
                Flatten(data.Children[0].Slice((int)first, (int)(last - first)), layout);
                break;
            }

            case ArrowTypeId.ListView:
            case ArrowTypeId.LargeListView:
            {
                // Offsets and sizes are cut to the slice; they address the child absolutely, which goes whole.
                int width = type.TypeId == ArrowTypeId.LargeListView ? 8 : 4;
                layout.AddBuffer(data.Buffers[1].Memory.Slice(offset * width, length * width));
                layout.AddBuffer(data.Buffers[2].Memory.Slice(offset * width, length * width));
                Flatten(data.Children[0], layout);
                break;
            }

            case ArrowTypeId.FixedSizeList:
            {
                int size = ((FixedSizeListType)type).ListSize;
                Flatten(data.Children[0].Slice(offset * size, length * size), layout);
                break;
            }

            case ArrowTypeId.Struct:
                foreach (ArrayData child in data.Children)
                {
                    Flatten(child.Slice(offset, length), layout);
                }

                break;
            default:
                if (!TypeLayout.IsFixedWidth(type))
                {
                    throw new NotSupportedException($"Type {ArrowTypeText.Of(type)} cannot be written to an Arrow IPC stream.");
                }

                // Fixed-width values and dictionary indices.
                int valueWidth = TypeLayout.ByteWidth(type);
                layout.AddBuffer(data.Buffers[1].Memory.Slice(offset * valueWidth, length * valueWidth));
                break;
        }
    }

    /// <summary>
    /// Run-end encoded: no buffers; children run ends and values. A slice keeps the runs it touches, with
    /// run ends rebased to the slice and the last one cut to its length.
    /// </summary>
    private static void FlattenRunEndEncoded(ArrayData data, BodyLayout layout)
    {
        ArrayData runEnds = data.Children[0];
        ArrayData values = data.Children[1];
        if (data.Offset == 0 && runEnds.Offset == 0 && (runEnds.Length == 0 ? 0 : SlotReader.GetRunEnd(runEnds, runEnds.Length - 1)) == data.Length)
        {
            Flatten(runEnds, layout);
            Flatten(values, layout);
            return;
        }

        int first = data.Length == 0 ? 0 : SlotReader.GetRunIndex(data, data.Offset);
        int last = data.Length == 0 ? -1 : SlotReader.GetRunIndex(data, data.Offset + data.Length - 1);
        int runs = last - first + 1;
        int width = TypeLayout.ByteWidth(runEnds.DataType);
        Memory<byte> rebased = layout.Rent(runs * width);
        for (int r = 0; r < runs; r++)
        {
            long end = Math.Min(SlotReader.GetRunEnd(runEnds, first + r) - data.Offset, data.Length);
            switch (width)
            {
                case 2:
                    System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(rebased.Span[(r * 2)..], (short)end);
                    break;
                case 4:
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(rebased.Span[(r * 4)..], (int)end);
                    break;
                default:
                    System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(rebased.Span[(r * 8)..], end);
                    break;
            }
        }

        layout.AddNode(runs, 0);
        layout.AddBuffer(ReadOnlyMemory<byte>.Empty);
        layout.AddBuffer(rebased);
        Flatten(values.Slice(first, runs), layout);
    }

    private static void FlattenUnion(ArrayData data, UnionType type, BodyLayout layout)
    {
        int length = data.Length;
        int offset = data.Offset;

        // V5 unions have no validity buffer; Apache.Arrow's buffers are [type ids] or [type ids, offsets].
        layout.AddBuffer(data.Buffers[0].Memory.Slice(offset, length));
        if (type.Mode == UnionMode.Sparse)
        {
            foreach (ArrayData child in data.Children)
            {
                Flatten(child.Slice(offset, length), layout);
            }

            return;
        }

        // Dense: find the range of each child that the slots use, rebase the offsets into it.
        ReadOnlySpan<sbyte> typeIds = data.Buffers[0].Span.Slice(offset, length).CastTo<sbyte>();
        ReadOnlyMemory<byte> offsetBytes = data.Buffers[1].Memory.Slice(offset * 4, length * 4);
        ReadOnlySpan<int> offsets = MemoryMarshal.Cast<byte, int>(offsetBytes.Span);
        int children = data.Children.Length;
        Span<int> childOf = stackalloc int[128];
        for (int c = 0; c < children; c++)
        {
            childOf[type.TypeIds[c]] = c;
        }

        Span<int> min = stackalloc int[children];
        Span<int> max = stackalloc int[children];
        min.Fill(int.MaxValue);
        max.Fill(-1);
        for (int i = 0; i < length; i++)
        {
            int c = childOf[typeIds[i] & 127];
            min[c] = Math.Min(min[c], offsets[i]);
            max[c] = Math.Max(max[c], offsets[i]);
        }

        bool rebase = false;
        for (int c = 0; c < children; c++)
        {
            rebase |= max[c] >= 0 && min[c] > 0;
        }

        if (rebase)
        {
            Memory<byte> rebased = layout.Rent(length * 4);
            Span<int> target = MemoryMarshal.Cast<byte, int>(rebased.Span);
            for (int i = 0; i < length; i++)
            {
                target[i] = offsets[i] - min[childOf[typeIds[i] & 127]];
            }

            layout.AddBuffer(rebased);
        }
        else
        {
            layout.AddBuffer(offsetBytes);
        }

        for (int c = 0; c < children; c++)
        {
            ArrayData child = data.Children[c];
            Flatten(max[c] < 0 ? child.Slice(0, 0) : rebase ? child.Slice(min[c], max[c] - min[c] + 1) : child.Slice(0, max[c] + 1), layout);
        }
    }

    private static void AddBitmap(ReadOnlyMemory<byte> bitmap, int bitOffset, int length, BodyLayout layout)
    {
        int bytes = BitOps.ByteCount(length);
        if ((bitOffset & 7) == 0)
        {
            layout.AddBuffer(bitmap.Slice(bitOffset >> 3, bytes));
            return;
        }

        Memory<byte> rebased = layout.Rent(bytes);
        BitOps.CopyBits(bitmap.Span, bitOffset, rebased.Span, length);
        layout.AddBuffer(rebased);
    }

    private static (long First, long Last) AddOffsets32(ArrayData data, BodyLayout layout)
    {
        if (data.Length == 0)
        {
            layout.AddBuffer(ZeroOffset.AsMemory(0, 4));
            return (0, 0);
        }

        ReadOnlyMemory<byte> bytes = data.Buffers[1].Memory.Slice(data.Offset * 4, (data.Length + 1) * 4);
        ReadOnlySpan<int> offsets = MemoryMarshal.Cast<byte, int>(bytes.Span);
        int first = offsets[0];
        if (first == 0)
        {
            layout.AddBuffer(bytes);
        }
        else
        {
            Memory<byte> rebased = layout.Rent(bytes.Length);
            Span<int> target = MemoryMarshal.Cast<byte, int>(rebased.Span);
            for (int i = 0; i < offsets.Length; i++)
            {
                target[i] = offsets[i] - first;
            }

            layout.AddBuffer(rebased);
        }

        return (first, offsets[^1]);
    }

    private static (long First, long Last) AddOffsets64(ArrayData data, BodyLayout layout)
    {
        if (data.Length == 0)
        {
            layout.AddBuffer(ZeroOffset.AsMemory(0, 8));
            return (0, 0);
        }

        ReadOnlyMemory<byte> bytes = data.Buffers[1].Memory.Slice(data.Offset * 8, (data.Length + 1) * 8);
        ReadOnlySpan<long> offsets = MemoryMarshal.Cast<byte, long>(bytes.Span);
        long first = offsets[0];
        if (first == 0)
        {
            layout.AddBuffer(bytes);
        }
        else
        {
            Memory<byte> rebased = layout.Rent(bytes.Length);
            Span<long> target = MemoryMarshal.Cast<byte, long>(rebased.Span);
            for (int i = 0; i < offsets.Length; i++)
            {
                target[i] = offsets[i] - first;
            }

            layout.AddBuffer(rebased);
        }

        return (first, offsets[^1]);
    }
}
