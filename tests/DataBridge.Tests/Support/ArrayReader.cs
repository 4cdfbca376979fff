using DataBridge.Arrow;

namespace DataBridge.Tests.Support;

/// <summary>Reads every element of an array through its typed accessors (throws if any access fails).</summary>
internal static class ArrayReader
{
    /// <summary>Visits every element, recursively, returning how many values were read.</summary>
    public static long ReadAll(ArrowArray array)
    {
        long count = 0;
        for (int i = 0; i < array.Length; i++)
        {
            count += ReadElement(array, i);
        }

        return count;
    }

    private static long ReadElement(ArrowArray array, int i)
    {
        switch (array)
        {
            case NullArray:
                return array.IsNull(i) ? 1 : throw new InvalidOperationException("A null array element is not null.");
            case BooleanArray b:
                _ = b.GetNullable(i);
                return 1;
            case PrimitiveArray<sbyte> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<short> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<int> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<long> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<byte> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<ushort> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<uint> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<ulong> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<Half> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<float> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<double> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<DayTimeInterval> p: _ = p.GetNullable(i); return 1;
            case PrimitiveArray<MonthDayNanoInterval> p: _ = p.GetNullable(i); return 1;
            case StringArray s: _ = s.GetString(i); return 1;
            case LargeStringArray s: _ = s.GetString(i); return 1;
            case BinaryArray b: _ = b.GetBytes(i).Length; return 1;
            case LargeBinaryArray b: _ = b.GetBytes(i).Length; return 1;
            case FixedSizeBinaryArray f: _ = f.GetBytes(i).Length; return 1;
            case DecimalArray d: _ = d.GetString(i); return 1;
            case ListArray l: return 1 + ReadAll(l.GetSlice(i));
            case LargeListArray l: return 1 + ReadAll(l.GetSlice(i));
            case FixedSizeListArray l: return 1 + ReadAll(l.GetSlice(i));
            case StructArray s:
                long fields = 1;
                for (int f = 0; f < s.Fields.Count; f++)
                {
                    fields += ReadElement(s.GetChild(f), i);
                }

                return fields;
            case UnionArray u:
                return 1 + ReadElement(u.GetChild(u.GetChildIndex(i)), u.GetValueOffset(i));
            case DictionaryArray d:
                return d.IsNull(i) ? 1 : 1 + ReadElement(d.Dictionary, d.GetDictionaryIndex(i));
            default:
                throw new InvalidOperationException($"No typed class for {array.Type}: {array.GetType().Name}.");
        }
    }
}
