namespace DataBridge.Ipc;

/// <summary>
/// Compares ranges of two arrays value by value (nulls equal nulls), for the writer's dictionary bookkeeping:
/// whether a batch's dictionary equals the one already sent, or extends it (a delta).
/// </summary>
internal static class ArrayRangeComparer
{
    /// <summary>Whether <paramref name="length"/> values of <paramref name="a"/> from <paramref name="aStart"/> equal those of <paramref name="b"/> from <paramref name="bStart"/> (positions relative to each array's offset).</summary>
    public static bool RangeEquals(ArrayData a, int aStart, ArrayData b, int bStart, int length)
    {
        if (!ArrowTypeEquality.SameLayout(a.DataType, b.DataType))
        {
            return false;
        }

        ArrowTypeId id = a.DataType.TypeId;
        if (id == ArrowTypeId.Null)
        {
            return true;
        }

        bool hasBitmap = id is not (ArrowTypeId.Union or ArrowTypeId.RunEndEncoded);
        bool aNulls = hasBitmap && !a.Buffers[0].IsEmpty && a.GetNullCount() > 0;
        bool bNulls = hasBitmap && !b.Buffers[0].IsEmpty && b.GetNullCount() > 0;
        if (!aNulls && !bNulls && TypeLayout.IsFixedWidth(a.DataType) && id != ArrowTypeId.Dictionary)
        {
            // Fixed width without nulls: one span comparison.
            int width = TypeLayout.ByteWidth(a.DataType);
            return a.Buffers[1].Span.Slice((a.Offset + aStart) * width, length * width)
                .SequenceEqual(b.Buffers[1].Span.Slice((b.Offset + bStart) * width, length * width));
        }

        for (int i = 0; i < length; i++)
        {
            int ai = a.Offset + aStart + i;
            int bi = b.Offset + bStart + i;
            bool aNull = aNulls && !SlotReader.IsValid(a, ai);
            bool bNull = bNulls && !SlotReader.IsValid(b, bi);
            if (aNull != bNull)
            {
                return false;
            }

            if (!aNull && !ElementEquals(a, ai, b, bi))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Compares absolute slots <paramref name="i"/> of <paramref name="a"/> and <paramref name="j"/> of <paramref name="b"/>.</summary>
    private static bool ElementEquals(ArrayData a, int i, ArrayData b, int j)
    {
        IArrowType type = a.DataType;
        switch (type.TypeId)
        {
            case ArrowTypeId.Boolean:
                return BitOps.GetBit(a.Buffers[1].Span, i) == BitOps.GetBit(b.Buffers[1].Span, j);
            case ArrowTypeId.String:
            case ArrowTypeId.Binary:
            case ArrowTypeId.LargeString:
            case ArrowTypeId.LargeBinary:
            case ArrowTypeId.StringView:
            case ArrowTypeId.BinaryView:
                return SlotReader.GetBytes(a, i).SequenceEqual(SlotReader.GetBytes(b, j));
            case ArrowTypeId.List:
            case ArrowTypeId.Map:
            {
                ReadOnlySpan<int> ao = a.Buffers[1].Span.CastTo<int>();
                ReadOnlySpan<int> bo = b.Buffers[1].Span.CastTo<int>();
                int length = ao[i + 1] - ao[i];
                return length == bo[j + 1] - bo[j]
                    && RangeEquals(a.Children[0], ao[i], b.Children[0], bo[j], length);
            }

            case ArrowTypeId.LargeList:
            {
                ReadOnlySpan<long> ao = a.Buffers[1].Span.CastTo<long>();
                ReadOnlySpan<long> bo = b.Buffers[1].Span.CastTo<long>();
                long length = ao[i + 1] - ao[i];
                return length == bo[j + 1] - bo[j]
                    && RangeEquals(a.Children[0], (int)ao[i], b.Children[0], (int)bo[j], (int)length);
            }

            case ArrowTypeId.ListView:
            case ArrowTypeId.LargeListView:
            {
                bool large = type.TypeId == ArrowTypeId.LargeListView;
                (long ao, long asz) = large
                    ? (a.Buffers[1].Span.CastTo<long>()[i], a.Buffers[2].Span.CastTo<long>()[i])
                    : (a.Buffers[1].Span.CastTo<int>()[i], a.Buffers[2].Span.CastTo<int>()[i]);
                (long bo, long bsz) = large
                    ? (b.Buffers[1].Span.CastTo<long>()[j], b.Buffers[2].Span.CastTo<long>()[j])
                    : (b.Buffers[1].Span.CastTo<int>()[j], b.Buffers[2].Span.CastTo<int>()[j]);
                return asz == bsz && RangeEquals(a.Children[0], (int)ao, b.Children[0], (int)bo, (int)asz);
            }

            case ArrowTypeId.FixedSizeList:
            {
                int size = ((FixedSizeListType)type).ListSize;
                return RangeEquals(a.Children[0], i * size, b.Children[0], j * size, size);
            }

            case ArrowTypeId.Struct:
                for (int c = 0; c < a.Children.Length; c++)
                {
                    if (!RangeEquals(a.Children[c], i, b.Children[c], j, 1))
                    {
                        return false;
                    }
                }

                return true;
            case ArrowTypeId.Union:
            {
                // Apache.Arrow union buffers: [type ids] (sparse) or [type ids, offsets] (dense).
                sbyte ta = (sbyte)a.Buffers[0].Span[i];
                if (ta != (sbyte)b.Buffers[0].Span[j])
                {
                    return false;
                }

                var union = (UnionType)type;
                int child = System.Array.IndexOf(union.TypeIds, (int)ta);
                if (union.Mode == UnionMode.Sparse)
                {
                    return RangeEquals(a.Children[child], i, b.Children[child], j, 1);
                }

                return RangeEquals(a.Children[child], a.Buffers[1].Span.CastTo<int>()[i], b.Children[child], b.Buffers[1].Span.CastTo<int>()[j], 1);
            }

            case ArrowTypeId.Dictionary:
                return RangeEquals(a.Dictionary!, (int)SlotReader.GetIndex(a, i), b.Dictionary!, (int)SlotReader.GetIndex(b, j), 1);
            case ArrowTypeId.RunEndEncoded:
                return RangeEquals(a.Children[1], SlotReader.GetRunIndex(a, i), b.Children[1], SlotReader.GetRunIndex(b, j), 1);
            default:
            {
                int width = TypeLayout.ByteWidth(type);
                return a.Buffers[1].Span.Slice(i * width, width).SequenceEqual(b.Buffers[1].Span.Slice(j * width, width));
            }
        }
    }
}
