namespace DataBridge.Tests.Support;

/// <summary>
/// Reads every element of an array through Apache.Arrow's typed accessors (throws if any access fails): what a
/// user holding one of our batches does, so a batch that passes this is safe to hand out.
/// </summary>
internal static class ArrayReader
{
    /// <summary>Visits every element, recursively, returning how many values were read.</summary>
    public static long ReadAll(IArrowArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        IArrowArray typed = array as Apache.Arrow.Array ?? ArrowArrayFactory.BuildArray(array.Data);
        long count = 0;
        for (int i = 0; i < typed.Length; i++)
        {
            count += ReadElement(typed, i);
        }

        return count;
    }

    private static long ReadRange(IArrowArray values, long start, long length)
    {
        long count = 0;
        for (long j = start; j < start + length; j++)
        {
            count += ReadElement(values, checked((int)j));
        }

        return count;
    }

    private static long ReadElement(IArrowArray array, int i)
    {
        switch (array)
        {
            case UnionArray u:
            {
                int child = System.Array.IndexOf(u.Type.TypeIds, (int)(sbyte)u.TypeIds[i]);
                int slot = u is DenseUnionArray d ? d.ValueOffsets[i] : i;
                return 1 + ReadElement(u.Fields[child], slot);
            }

            case RunEndEncodedArray r:
                return 1 + ReadElement(r.Values, r.FindPhysicalIndex(i));
        }

        if (array.IsNull(i))
        {
            return 1;
        }

        switch (array)
        {
            case NullArray:
                throw new InvalidOperationException("A null array element is not null.");
            case BooleanArray b: _ = b.GetValue(i); return 1;
            case StringArray s: _ = s.GetString(i); return 1;
            case LargeStringArray s: _ = s.GetString(i); return 1;
            case StringViewArray s: _ = s.GetString(i); return 1;
            case BinaryArray b: _ = b.GetBytes(i).Length; return 1;
            case LargeBinaryArray b: _ = b.GetBytes(i).Length; return 1;
            case BinaryViewArray b: _ = b.GetBytes(i).Length; return 1;
            case Decimal32Array d: _ = d.GetString(i); return 1;
            case Decimal64Array d: _ = d.GetString(i); return 1;
            case Decimal128Array d: _ = d.GetString(i); return 1;
            case Decimal256Array d: _ = d.GetString(i); return 1;
            case Apache.Arrow.Arrays.FixedSizeBinaryArray f: _ = f.GetBytes(i).Length; return 1;
            case PrimitiveArray<sbyte> p: _ = p.GetValue(i); return 1;
            case PrimitiveArray<short> p: _ = p.GetValue(i); return 1;
            case PrimitiveArray<int> p: _ = p.GetValue(i); return 1;
            case PrimitiveArray<long> p: _ = p.GetValue(i); return 1;
            case PrimitiveArray<byte> p: _ = p.GetValue(i); return 1;
            case PrimitiveArray<ushort> p: _ = p.GetValue(i); return 1;
            case PrimitiveArray<uint> p: _ = p.GetValue(i); return 1;
            case PrimitiveArray<ulong> p: _ = p.GetValue(i); return 1;
            case PrimitiveArray<Half> p: _ = p.GetValue(i); return 1;
            case PrimitiveArray<float> p: _ = p.GetValue(i); return 1;
            case PrimitiveArray<double> p: _ = p.GetValue(i); return 1;
            case YearMonthIntervalArray p: _ = p.GetValue(i); return 1;
            case DayTimeIntervalArray p: _ = p.GetValue(i); return 1;
            case MonthDayNanosecondIntervalArray p: _ = p.GetValue(i); return 1;
            case ListArray l: return 1 + ReadRange(l.Values, l.ValueOffsets[i], l.GetValueLength(i));
            case LargeListArray l: return 1 + ReadRange(l.Values, l.ValueOffsets[i], l.GetValueLength(i));
            case ListViewArray l: return 1 + ReadRange(l.Values, l.ValueOffsets[i], l.Sizes[i]);
            case LargeListViewArray l: return 1 + ReadRange(l.Values, l.ValueOffsets[i], l.Sizes[i]);
            case FixedSizeListArray l:
            {
                int size = ((FixedSizeListType)l.Data.DataType).ListSize;
                return 1 + ReadRange(l.Values, (long)(l.Offset + i) * size, size);
            }

            case StructArray s:
            {
                long fields = 1;
                for (int f = 0; f < s.Fields.Count; f++)
                {
                    fields += ReadElement(s.Fields[f], i);
                }

                return fields;
            }

            case DictionaryArray d:
            {
                long index = d.Indices switch
                {
                    PrimitiveArray<sbyte> x => x.GetValue(i)!.Value,
                    PrimitiveArray<short> x => x.GetValue(i)!.Value,
                    PrimitiveArray<int> x => x.GetValue(i)!.Value,
                    PrimitiveArray<long> x => x.GetValue(i)!.Value,
                    PrimitiveArray<byte> x => x.GetValue(i)!.Value,
                    PrimitiveArray<ushort> x => x.GetValue(i)!.Value,
                    PrimitiveArray<uint> x => x.GetValue(i)!.Value,
                    PrimitiveArray<ulong> x => checked((long)x.GetValue(i)!.Value),
                    _ => throw new InvalidOperationException($"Index array {d.Indices.GetType().Name}."),
                };
                return 1 + ReadElement(d.Dictionary, checked((int)index));
            }

            default:
                throw new InvalidOperationException($"No typed class for {array.Data.DataType.Name}: {array.GetType().Name}.");
        }
    }
}
