using System.Globalization;
using System.Runtime.InteropServices;

namespace DataBridge.Arrow;

/// <summary>
/// Semantic equality of arrays and record batches by their logical values, for tests and for code that
/// must decide whether two physical forms hold the same data.
/// </summary>
/// <remarks>
/// Ignored: offsets, buffer padding and capacity, the contents of null slots, whether an all-valid
/// validity bitmap is present, list offsets' absolute values, dictionary ids and the physical
/// dictionary (dictionary-encoded arrays compare by decoded values and by index type, value type and
/// ordered flag). Floats compare by bits except that any NaN equals any NaN, so -0.0 differs from 0.0.
/// Field names, nullability and metadata are part of the type and are compared.
/// </remarks>
internal static class ArrayDataComparer
{
    /// <summary>Whether two batches hold the same schema (up to dictionary ids) and values.</summary>
    public static bool AreEqual(RecordBatch expected, RecordBatch actual) => FirstDifference(expected, actual) is null;

    /// <summary>Whether two arrays hold the same type (up to dictionary ids) and values.</summary>
    public static bool AreEqual(ArrayData expected, ArrayData actual) => FirstDifference(expected, actual) is null;

    /// <summary>Whether two arrays hold the same type (up to dictionary ids) and values.</summary>
    public static bool AreEqual(ArrowArray expected, ArrowArray actual) => FirstDifference(expected, actual) is null;

    /// <summary>
    /// The first difference between two batches as <c>path[index]: expected != actual</c> (e.g.
    /// <c>col[7].b.item[3]: 5 != 6</c>), or null when they are equal.
    /// </summary>
    public static string? FirstDifference(RecordBatch expected, RecordBatch actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (!MetadataEqual(expected.Schema.Metadata, actual.Schema.Metadata))
        {
            return "schema: metadata differs";
        }

        if (expected.ColumnCount != actual.ColumnCount)
        {
            return $"schema: {expected.ColumnCount} columns != {actual.ColumnCount}";
        }

        if (expected.Length != actual.Length)
        {
            return $"batch: length {expected.Length} != {actual.Length}";
        }

        for (int c = 0; c < expected.ColumnCount; c++)
        {
            Field e = expected.Schema[c];
            Field a = actual.Schema[c];
            string path = e.Name;
            string? difference = FieldDifference(e, a, path) ?? FirstDifference(expected.Column(c), actual.Column(c), path);
            if (difference is not null)
            {
                return difference;
            }
        }

        return null;
    }

    /// <summary>The first difference between two arrays, or null when they are equal.</summary>
    public static string? FirstDifference(ArrayData expected, ArrayData actual, string path = "array")
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        return FirstDifference(ArrowArray.Create(expected), ArrowArray.Create(actual), path);
    }

    /// <summary>The first difference between two arrays, or null when they are equal.</summary>
    public static string? FirstDifference(ArrowArray expected, ArrowArray actual, string path = "array")
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        string? typeDifference = TypeDifference(expected.Type, actual.Type, path);
        if (typeDifference is not null)
        {
            return typeDifference;
        }

        if (expected.Length != actual.Length)
        {
            return $"{path}: length {expected.Length} != {actual.Length}";
        }

        if (expected.NullCount != actual.NullCount)
        {
            return $"{path}: null count {expected.NullCount} != {actual.NullCount}";
        }

        for (int i = 0; i < expected.Length; i++)
        {
            string? difference = ElementDifference(expected, i, actual, i, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"));
            if (difference is not null)
            {
                return difference;
            }
        }

        return null;
    }

    /// <summary>Whether two types are equal up to dictionary ids (anywhere in the type tree).</summary>
    public static bool TypesEqual(ArrowType expected, ArrowType actual) => TypeDifference(expected, actual, string.Empty) is null;

    private static string? TypeDifference(ArrowType e, ArrowType a, string path)
    {
        string mismatch = $"{path}: type {e} != {a}";
        if (e.TypeId != a.TypeId)
        {
            return mismatch;
        }

        switch (e)
        {
            case DictionaryType de:
                var da = (DictionaryType)a;
                return de.IndexType.Equals(da.IndexType) && de.IsOrdered == da.IsOrdered
                    ? TypeDifference(de.ValueType, da.ValueType, path)
                    : mismatch;
            case FixedSizeListType fe when fe.ListSize != ((FixedSizeListType)a).ListSize:
                return mismatch;
            case MapType me when me.KeysSorted != ((MapType)a).KeysSorted:
                return mismatch;
            case UnionType ue when ue.Mode != ((UnionType)a).Mode || !ue.TypeIds.SequenceEqual(((UnionType)a).TypeIds):
                return mismatch;
            case ListType or LargeListType or FixedSizeListType or MapType or StructType or UnionType:
                if (e.Children.Count != a.Children.Count)
                {
                    return mismatch;
                }

                for (int c = 0; c < e.Children.Count; c++)
                {
                    string? difference = FieldDifference(e.Children[c], a.Children[c], path + "." + e.Children[c].Name);
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;
            default:
                return e.Equals(a) ? null : mismatch;
        }
    }

    private static string? FieldDifference(Field e, Field a, string path)
    {
        if (!string.Equals(e.Name, a.Name, StringComparison.Ordinal))
        {
            return $"{path}: field name '{e.Name}' != '{a.Name}'";
        }

        if (e.IsNullable != a.IsNullable)
        {
            return $"{path}: nullable {e.IsNullable} != {a.IsNullable}";
        }

        if (!MetadataEqual(e.Metadata, a.Metadata))
        {
            return $"{path}: field metadata differs";
        }

        return TypeDifference(e.DataType, a.DataType, path);
    }

    private static bool MetadataEqual(IReadOnlyList<KeyValuePair<string, string>> e, IReadOnlyList<KeyValuePair<string, string>> a) => e.SequenceEqual(a);

    /// <summary>Compares element <paramref name="ei"/> of <paramref name="e"/> with <paramref name="ai"/> of <paramref name="a"/>; <paramref name="at"/> names the element in messages.</summary>
    private static string? ElementDifference(ArrowArray e, int ei, ArrowArray a, int ai, string at)
    {
        if (e is UnionArray ue)
        {
            var ua = (UnionArray)a;
            int eChild = ue.GetChildIndex(ei);
            int aChild = ua.GetChildIndex(ai);
            if (eChild != aChild)
            {
                return $"{at}: union type id {ue.GetTypeId(ei)} != {ua.GetTypeId(ai)}";
            }

            return ElementDifference(ue.GetChild(eChild), ue.GetValueOffset(ei), ua.GetChild(aChild), ua.GetValueOffset(ai), at + "." + ue.UnionType.Fields[eChild].Name);
        }

        bool eNull = e.IsNull(ei);
        bool aNull = a.IsNull(ai);
        if (eNull || aNull)
        {
            return eNull == aNull ? null : $"{at}: {Describe(e, ei)} != {Describe(a, ai)}";
        }

        switch (e)
        {
            case DictionaryArray de:
                var da = (DictionaryArray)a;
                return ElementDifference(de.Dictionary, de.GetDictionaryIndex(ei), da.Dictionary, da.GetDictionaryIndex(ai), at);
            case BooleanArray be:
                return be.GetValue(ei) == ((BooleanArray)a).GetValue(ai) ? null : Mismatch(at, e, ei, a, ai);
            case BinaryArray be:
                return be.GetBytes(ei).SequenceEqual(((BinaryArray)a).GetBytes(ai)) ? null : Mismatch(at, e, ei, a, ai);
            case LargeBinaryArray be:
                return be.GetBytes(ei).SequenceEqual(((LargeBinaryArray)a).GetBytes(ai)) ? null : Mismatch(at, e, ei, a, ai);
            case FixedSizeBinaryArray fe:
                return fe.GetBytes(ei).SequenceEqual(((FixedSizeBinaryArray)a).GetBytes(ai)) ? null : Mismatch(at, e, ei, a, ai);
            case DecimalArray de:
                return de.GetBytes(ei).SequenceEqual(((DecimalArray)a).GetBytes(ai)) ? null : Mismatch(at, e, ei, a, ai);
            case ListArray le:
                var la = (ListArray)a;
                return ListDifference(le.Values, le.GetValueOffset(ei), le.GetValueLength(ei), la.Values, la.GetValueOffset(ai), la.GetValueLength(ai), at + "." + e.Type.Children[0].Name);
            case LargeListArray le:
                var lla = (LargeListArray)a;
                return ListDifference(le.Values, checked((int)le.GetValueOffset(ei)), checked((int)le.GetValueLength(ei)), lla.Values, checked((int)lla.GetValueOffset(ai)), checked((int)lla.GetValueLength(ai)), at + "." + e.Type.Children[0].Name);
            case FixedSizeListArray fe:
                var fa = (FixedSizeListArray)a;
                return ListDifference(fe.Values, fe.GetValueOffset(ei), fe.ListSize, fa.Values, fa.GetValueOffset(ai), fa.ListSize, at + "." + e.Type.Children[0].Name);
            case StructArray se:
                var sa = (StructArray)a;
                for (int f = 0; f < se.Fields.Count; f++)
                {
                    string? difference = ElementDifference(se.GetChild(f), ei, sa.GetChild(f), ai, at + "." + se.Fields[f].Name);
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;
            case NullArray:
                return null;
            default:
                return FixedWidthEqual(e, ei, a, ai) ? null : Mismatch(at, e, ei, a, ai);
        }
    }

    private static string? ListDifference(ArrowArray e, int eStart, int eCount, ArrowArray a, int aStart, int aCount, string path)
    {
        if (eCount != aCount)
        {
            return $"{path}: list length {eCount} != {aCount}";
        }

        for (int j = 0; j < eCount; j++)
        {
            // Name the value by its position within the list, not within the whole child array.
            string? difference = ElementDifference(e, eStart + j, a, aStart + j, string.Create(CultureInfo.InvariantCulture, $"{path}[{j}]"));
            if (difference is not null)
            {
                return difference;
            }
        }

        return null;
    }

    private static bool FixedWidthEqual(ArrowArray e, int ei, ArrowArray a, int ai)
    {
        int width = e.Type.BitWidth / 8;
        ReadOnlySpan<byte> eb = e.Data.Buffers[1].Span.Slice((e.Offset + ei) * width, width);
        ReadOnlySpan<byte> ab = a.Data.Buffers[1].Span.Slice((a.Offset + ai) * width, width);
        if (eb.SequenceEqual(ab))
        {
            return true;
        }

        return e switch
        {
            DoubleArray => double.IsNaN(MemoryMarshal.Read<double>(eb)) && double.IsNaN(MemoryMarshal.Read<double>(ab)),
            FloatArray => float.IsNaN(MemoryMarshal.Read<float>(eb)) && float.IsNaN(MemoryMarshal.Read<float>(ab)),
            HalfFloatArray => Half.IsNaN(MemoryMarshal.Read<Half>(eb)) && Half.IsNaN(MemoryMarshal.Read<Half>(ab)),
            _ => false,
        };
    }

    private static string Mismatch(string at, ArrowArray e, int ei, ArrowArray a, int ai) => $"{at}: {Describe(e, ei)} != {Describe(a, ai)}";

    /// <summary>A short readable rendering of one element, for difference messages.</summary>
    private static string Describe(ArrowArray array, int index)
    {
        if (array is not UnionArray && array.IsNull(index))
        {
            return "null";
        }

        return array switch
        {
            BooleanArray b => b.GetValue(index) ? "true" : "false",
            StringArray s => $"\"{s.GetString(index)}\"",
            LargeStringArray s => $"\"{s.GetString(index)}\"",
            BinaryArray b => "0x" + Convert.ToHexString(b.GetBytes(index)),
            LargeBinaryArray b => "0x" + Convert.ToHexString(b.GetBytes(index)),
            FixedSizeBinaryArray f => "0x" + Convert.ToHexString(f.GetBytes(index)),
            DecimalArray d => d.GetString(index) ?? "null",
            DoubleArray d => d.GetValue(index).ToString("R", CultureInfo.InvariantCulture),
            FloatArray f => f.GetValue(index).ToString("R", CultureInfo.InvariantCulture),
            HalfFloatArray h => h.GetValue(index).ToString(CultureInfo.InvariantCulture),
            Int8Array v => v.GetValue(index).ToString(CultureInfo.InvariantCulture),
            Int16Array v => v.GetValue(index).ToString(CultureInfo.InvariantCulture),
            Int32Array v => v.GetValue(index).ToString(CultureInfo.InvariantCulture),
            Int64Array v => v.GetValue(index).ToString(CultureInfo.InvariantCulture),
            UInt8Array v => v.GetValue(index).ToString(CultureInfo.InvariantCulture),
            UInt16Array v => v.GetValue(index).ToString(CultureInfo.InvariantCulture),
            UInt32Array v => v.GetValue(index).ToString(CultureInfo.InvariantCulture),
            UInt64Array v => v.GetValue(index).ToString(CultureInfo.InvariantCulture),
            PrimitiveArray<int> v => v.GetValue(index).ToString(CultureInfo.InvariantCulture),
            PrimitiveArray<long> v => v.GetValue(index).ToString(CultureInfo.InvariantCulture),
            DayTimeIntervalArray v => v.GetValue(index).ToString(),
            MonthDayNanoIntervalArray v => v.GetValue(index).ToString(),
            _ => $"<{array.Type.Name}>",
        };
    }
}
