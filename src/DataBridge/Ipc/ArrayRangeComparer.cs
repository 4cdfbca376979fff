using System.Runtime.InteropServices;

namespace DataBridge.Ipc;

/// <summary>
/// Compares ranges of two arrays of the same type by value (nulls equal nulls; values in null slots are
/// ignored). The writer uses it to decide whether a dictionary is unchanged or only grew (a delta).
/// </summary>
internal static class ArrayRangeComparer
{
    /// <summary>
    /// Whether elements [<paramref name="aStart"/>, +<paramref name="length"/>) of <paramref name="a"/> equal
    /// elements [<paramref name="bStart"/>, +<paramref name="length"/>) of <paramref name="b"/>; starts are relative
    /// to each array's <see cref="ArrayData.Offset"/>.
    /// </summary>
    public static bool RangeEquals(ArrayData a, int aStart, ArrayData b, int bStart, int length)
    {
        if (!DictionaryIdAssigner.SameLayout(a.Type, b.Type))
        {
            return false;
        }

        if (a.Type.TypeId == ArrowTypeId.Null)
        {
            return true;
        }

        bool aNulls = a.Type.TypeId != ArrowTypeId.Union && !a.Validity.IsEmpty && a.NullCount > 0;
        bool bNulls = b.Type.TypeId != ArrowTypeId.Union && !b.Validity.IsEmpty && b.NullCount > 0;
        if (!aNulls && !bNulls && IsFixedWidthBytes(a.Type))
        {
            // Fixed width without nulls: one span comparison.
            int width = ArrayConcatenator.ByteWidth(a.Type);
            return a.Buffers[1].Span.Slice((a.Offset + aStart) * width, length * width)
                .SequenceEqual(b.Buffers[1].Span.Slice((b.Offset + bStart) * width, length * width));
        }

        for (int i = 0; i < length; i++)
        {
            bool aNull = aNulls && a.IsNull(aStart + i);
            bool bNull = bNulls && b.IsNull(bStart + i);
            if (aNull != bNull)
            {
                return false;
            }

            if (!aNull && !ElementEquals(a, a.Offset + aStart + i, b, b.Offset + bStart + i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Compares one non-null element; <paramref name="i"/> and <paramref name="j"/> are absolute buffer indices.</summary>
    private static bool ElementEquals(ArrayData a, int i, ArrayData b, int j)
    {
        ArrowType type = a.Type;
        switch (type.TypeId)
        {
            case ArrowTypeId.Boolean:
                return BitOps.GetBit(a.Buffers[1].Span, i) == BitOps.GetBit(b.Buffers[1].Span, j);
            case ArrowTypeId.Utf8:
            case ArrowTypeId.Binary:
            {
                ReadOnlySpan<int> ao = a.Buffers[1].As<int>();
                ReadOnlySpan<int> bo = b.Buffers[1].As<int>();
                return a.Buffers[2].Span[ao[i]..ao[i + 1]].SequenceEqual(b.Buffers[2].Span[bo[j]..bo[j + 1]]);
            }

            case ArrowTypeId.LargeUtf8:
            case ArrowTypeId.LargeBinary:
            {
                ReadOnlySpan<long> ao = a.Buffers[1].As<long>();
                ReadOnlySpan<long> bo = b.Buffers[1].As<long>();
                return a.Buffers[2].Span[(int)ao[i]..(int)ao[i + 1]].SequenceEqual(b.Buffers[2].Span[(int)bo[j]..(int)bo[j + 1]]);
            }

            case ArrowTypeId.List:
            case ArrowTypeId.Map:
            {
                ReadOnlySpan<int> ao = a.Buffers[1].As<int>();
                ReadOnlySpan<int> bo = b.Buffers[1].As<int>();
                int length = ao[i + 1] - ao[i];
                return length == bo[j + 1] - bo[j]
                    && RangeEquals(a.Children[0], ao[i], b.Children[0], bo[j], length);
            }

            case ArrowTypeId.LargeList:
            {
                ReadOnlySpan<long> ao = a.Buffers[1].As<long>();
                ReadOnlySpan<long> bo = b.Buffers[1].As<long>();
                long length = ao[i + 1] - ao[i];
                return length == bo[j + 1] - bo[j]
                    && RangeEquals(a.Children[0], (int)ao[i], b.Children[0], (int)bo[j], (int)length);
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
                sbyte ta = (sbyte)a.Buffers[1].Span[i];
                if (ta != (sbyte)b.Buffers[1].Span[j])
                {
                    return false;
                }

                var union = (UnionType)type;
                int child = union.ChildIndex(ta);
                if (union.Mode == UnionMode.Sparse)
                {
                    return RangeEquals(a.Children[child], i, b.Children[child], j, 1);
                }

                return RangeEquals(a.Children[child], a.Buffers[2].As<int>()[i], b.Children[child], b.Buffers[2].As<int>()[j], 1);
            }

            case ArrowTypeId.Dictionary:
                return RangeEquals(a.Dictionary!, ReadIndex(a, i), b.Dictionary!, ReadIndex(b, j), 1);
            default:
            {
                int width = ArrayConcatenator.ByteWidth(type);
                return a.Buffers[1].Span.Slice(i * width, width).SequenceEqual(b.Buffers[1].Span.Slice(j * width, width));
            }
        }
    }

    private static bool IsFixedWidthBytes(ArrowType type) => type.TypeId is ArrowTypeId.Int or ArrowTypeId.FloatingPoint or ArrowTypeId.Decimal
        or ArrowTypeId.Date or ArrowTypeId.Time or ArrowTypeId.Timestamp or ArrowTypeId.Duration or ArrowTypeId.Interval or ArrowTypeId.FixedSizeBinary;

    private static int ReadIndex(ArrayData data, int index)
    {
        ReadOnlySpan<byte> bytes = data.Buffers[1].Span;
        var indexType = ((DictionaryType)data.Type).IndexType;
        return (indexType.BitWidth, indexType.IsSigned) switch
        {
            (8, true) => (sbyte)bytes[index],
            (8, false) => bytes[index],
            (16, true) => MemoryMarshal.Cast<byte, short>(bytes)[index],
            (16, false) => MemoryMarshal.Cast<byte, ushort>(bytes)[index],
            (32, _) => MemoryMarshal.Cast<byte, int>(bytes)[index],
            _ => (int)MemoryMarshal.Cast<byte, long>(bytes)[index],
        };
    }
}
