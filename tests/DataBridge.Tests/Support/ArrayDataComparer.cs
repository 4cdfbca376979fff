using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using DataBridge.Arrow;

namespace DataBridge.Tests.Support;

/// <summary>
/// Semantic equality of Apache.Arrow arrays and record batches by their logical values, for tests that must
/// decide whether two physical forms hold the same data (our reader against Apache.Arrow's, a batch against
/// its round trip).
/// </summary>
/// <remarks>
/// Works on <see cref="ArrayData"/> by the layouts of the columnar specification, so it does not depend on
/// which typed array class Apache.Arrow would build. Ignored: offsets, buffer padding and capacity, the
/// contents of null slots, whether an all-valid validity bitmap is present, list offsets' absolute values and
/// list-view placement, view buffer layout, run lengths' physical form, the physical dictionary
/// (dictionary-encoded arrays compare by decoded values and by index type, value type and ordered flag).
/// Floats compare by bits except that any NaN equals any NaN, so -0.0 differs from 0.0. Field names,
/// nullability and metadata are part of the type and are compared.
/// </remarks>
internal static class ArrayDataComparer
{
    /// <summary>Whether two batches hold the same schema and values.</summary>
    public static bool AreEqual(RecordBatch expected, RecordBatch actual) => FirstDifference(expected, actual) is null;

    /// <summary>Whether two arrays hold the same type and values.</summary>
    public static bool AreEqual(ArrayData expected, ArrayData actual) => FirstDifference(expected, actual) is null;

    /// <summary>Whether two arrays hold the same type and values.</summary>
    public static bool AreEqual(IArrowArray expected, IArrowArray actual) => FirstDifference(expected, actual) is null;

    /// <summary>
    /// The first difference between two batches as <c>path[index]: expected != actual</c> (e.g.
    /// <c>col[7].b.item[3]: 5 != 6</c>), or null when they are equal.
    /// </summary>
    public static string? FirstDifference(RecordBatch expected, RecordBatch actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (!ArrowTypeEquality.MetadataEqual(expected.Schema.Metadata, actual.Schema.Metadata))
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
            Field e = expected.Schema.FieldsList[c];
            Field a = actual.Schema.FieldsList[c];
            string path = e.Name;
            string? difference = FieldDifference(e, a, path) ?? FirstDifference(expected.Column(c).Data, actual.Column(c).Data, path);
            if (difference is not null)
            {
                return difference;
            }
        }

        return null;
    }

    /// <summary>The first difference between two arrays, or null when they are equal.</summary>
    public static string? FirstDifference(IArrowArray expected, IArrowArray actual, string path = "array")
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        return FirstDifference(expected.Data, actual.Data, path);
    }

    /// <summary>The first difference between two arrays, or null when they are equal.</summary>
    public static string? FirstDifference(ArrayData expected, ArrayData actual, string path = "array")
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        string? typeDifference = TypeDifference(expected.DataType, actual.DataType, path);
        if (typeDifference is not null)
        {
            return typeDifference;
        }

        if (expected.Length != actual.Length)
        {
            return $"{path}: length {expected.Length} != {actual.Length}";
        }

        // Unions and run-end encoded arrays have no nulls of their own (Apache computes no count for them).
        if (expected.DataType is not (UnionType or RunEndEncodedType) && expected.GetNullCount() != actual.GetNullCount())
        {
            return $"{path}: null count {expected.GetNullCount()} != {actual.GetNullCount()}";
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

    /// <summary>Whether two types are structurally equal (names, nullability and metadata of child fields included).</summary>
    public static bool TypesEqual(IArrowType expected, IArrowType actual) => TypeDifference(expected, actual, string.Empty) is null;

    private static string? TypeDifference(IArrowType e, IArrowType a, string path)
    {
        string mismatch = $"{path}: type {ArrowTypeText.Of(e)} != {ArrowTypeText.Of(a)}";
        if (!ArrowTypeEquality.SameLayout(e, a))
        {
            return mismatch;
        }

        // Same parameters all the way down: what is left are the names, nullability and metadata of children.
        if (e is DictionaryType de)
        {
            return TypeDifference(de.ValueType, ((DictionaryType)a).ValueType, path);
        }

        IReadOnlyList<Field> ec = TypeLayout.Children(e);
        IReadOnlyList<Field> ac = TypeLayout.Children(a);
        for (int c = 0; c < ec.Count; c++)
        {
            string? difference = FieldDifference(ec[c], ac[c], path + "." + ec[c].Name);
            if (difference is not null)
            {
                return difference;
            }
        }

        return null;
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

        if (!ArrowTypeEquality.MetadataEqual(e.Metadata, a.Metadata))
        {
            return $"{path}: field metadata differs";
        }

        return TypeDifference(e.DataType, a.DataType, path);
    }

    /// <summary>Compares logical element <paramref name="ei"/> of <paramref name="e"/> with <paramref name="ai"/> of <paramref name="a"/>; <paramref name="at"/> names the element in messages.</summary>
    private static string? ElementDifference(ArrayData e, int ei, ArrayData a, int ai, string at)
    {
        switch (e.DataType)
        {
            case UnionType ut:
            {
                (int eChild, int eSlot) = UnionSlot(e, ei);
                (int aChild, int aSlot) = UnionSlot(a, ai);
                if (eChild != aChild)
                {
                    return $"{at}: union type id {TypeIdAt(e, ei)} != {TypeIdAt(a, ai)}";
                }

                return ElementDifference(e.Children[eChild], eSlot, a.Children[aChild], aSlot, at + "." + ut.Fields[eChild].Name);
            }

            case RunEndEncodedType:
                return ElementDifference(e.Children[1], RunIndex(e, ei), a.Children[1], RunIndex(a, ai), at);
        }

        bool eNull = IsNull(e, ei);
        bool aNull = IsNull(a, ai);
        if (eNull || aNull)
        {
            return eNull == aNull ? null : $"{at}: {Describe(e, ei)} != {Describe(a, ai)}";
        }

        int es = e.Offset + ei;
        int @as = a.Offset + ai;
        switch (e.DataType)
        {
            case NullType:
                return null;
            case DictionaryType:
                return ElementDifference(e.Dictionary, checked((int)SlotReader.GetIndex(e, es)), a.Dictionary, checked((int)SlotReader.GetIndex(a, @as)), at);
            case BooleanType:
                return BitOps.GetBit(e.Buffers[1].Span, es) == BitOps.GetBit(a.Buffers[1].Span, @as) ? null : Mismatch(at, e, ei, a, ai);
            case StringType or LargeStringType or StringViewType or BinaryType or LargeBinaryType or BinaryViewType:
                return SlotReader.GetBytes(e, es).SequenceEqual(SlotReader.GetBytes(a, @as)) ? null : Mismatch(at, e, ei, a, ai);
            case ListType or LargeListType or MapType or ListViewType or LargeListViewType or FixedSizeListType:
            {
                (int eStart, int eCount) = ListRange(e, es);
                (int aStart, int aCount) = ListRange(a, @as);
                return ListDifference(e.Children[0], eStart, eCount, a.Children[0], aStart, aCount, at + "." + TypeLayout.Children(e.DataType)[0].Name);
            }

            case StructType st:
                for (int f = 0; f < st.Fields.Count; f++)
                {
                    // Struct children are indexed by the parent's slot (its offset included).
                    string? difference = ElementDifference(e.Children[f], es, a.Children[f], @as, at + "." + st.Fields[f].Name);
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;
            default:
                return FixedWidthEqual(e, es, a, @as) ? null : Mismatch(at, e, ei, a, ai);
        }
    }

    private static bool IsNull(ArrayData data, int index) => !SlotReader.IsValid(data, data.Offset + index);

    private static sbyte TypeIdAt(ArrayData union, int index) => (sbyte)union.Buffers[0].Span[union.Offset + index];

    /// <summary>The child and the logical slot in it of union element <paramref name="index"/>.</summary>
    private static (int Child, int Slot) UnionSlot(ArrayData union, int index)
    {
        var type = (UnionType)union.DataType;
        int child = System.Array.IndexOf(type.TypeIds, (int)TypeIdAt(union, index));
        int slot = type.Mode == UnionMode.Dense
            ? union.Buffers[1].Span.CastTo<int>()[union.Offset + index]
            : union.Offset + index;
        return (child, slot);
    }

    /// <summary>The logical slot in the values child of run-end encoded element <paramref name="index"/>: the first run ending after it.</summary>
    private static int RunIndex(ArrayData data, int index)
    {
        ArrayData runEnds = data.Children[0];
        long logical = data.Offset + index;
        int width = ((FixedWidthType)runEnds.DataType).BitWidth / 8;
        ReadOnlySpan<byte> ends = runEnds.Buffers[1].Span;
        int lo = 0;
        int hi = runEnds.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            ReadOnlySpan<byte> at = ends.Slice((runEnds.Offset + mid) * width, width);
            long end = width switch { 2 => BinaryPrimitives.ReadInt16LittleEndian(at), 4 => BinaryPrimitives.ReadInt32LittleEndian(at), _ => BinaryPrimitives.ReadInt64LittleEndian(at) };
            if (end <= logical)
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

    /// <summary>The logical start in the child and the length of list-like slot <paramref name="slot"/>.</summary>
    private static (int Start, int Count) ListRange(ArrayData data, int slot)
    {
        ReadOnlySpan<byte> b1 = data.Buffers.Length > 1 ? data.Buffers[1].Span : default;
        return data.DataType switch
        {
            FixedSizeListType f => (slot * f.ListSize, f.ListSize),
            LargeListType => ((int)b1.CastTo<long>()[slot], (int)(b1.CastTo<long>()[slot + 1] - b1.CastTo<long>()[slot])),
            ListViewType => (b1.CastTo<int>()[slot], data.Buffers[2].Span.CastTo<int>()[slot]),
            LargeListViewType => ((int)b1.CastTo<long>()[slot], (int)data.Buffers[2].Span.CastTo<long>()[slot]),
            _ => (b1.CastTo<int>()[slot], b1.CastTo<int>()[slot + 1] - b1.CastTo<int>()[slot]),
        };
    }

    private static string? ListDifference(ArrayData e, int eStart, int eCount, ArrayData a, int aStart, int aCount, string path)
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

    private static ReadOnlySpan<byte> FixedBytes(ArrayData data, int slot)
    {
        int width = TypeLayout.ByteWidth(data.DataType);
        return data.Buffers[1].Span.Slice(slot * width, width);
    }

    private static bool FixedWidthEqual(ArrayData e, int es, ArrayData a, int @as)
    {
        ReadOnlySpan<byte> eb = FixedBytes(e, es);
        ReadOnlySpan<byte> ab = FixedBytes(a, @as);
        if (eb.SequenceEqual(ab))
        {
            return true;
        }

        return e.DataType switch
        {
            DoubleType => double.IsNaN(BinaryPrimitives.ReadDoubleLittleEndian(eb)) && double.IsNaN(BinaryPrimitives.ReadDoubleLittleEndian(ab)),
            FloatType => float.IsNaN(BinaryPrimitives.ReadSingleLittleEndian(eb)) && float.IsNaN(BinaryPrimitives.ReadSingleLittleEndian(ab)),
            HalfFloatType => Half.IsNaN(BinaryPrimitives.ReadHalfLittleEndian(eb)) && Half.IsNaN(BinaryPrimitives.ReadHalfLittleEndian(ab)),
            _ => false,
        };
    }

    private static string Mismatch(string at, ArrayData e, int ei, ArrayData a, int ai) => $"{at}: {Describe(e, ei)} != {Describe(a, ai)}";

    /// <summary>A short readable rendering of one element, for difference messages.</summary>
    private static string Describe(ArrayData data, int index)
    {
        if (IsNull(data, index))
        {
            return "null";
        }

        int slot = data.Offset + index;
        CultureInfo ci = CultureInfo.InvariantCulture;
        switch (data.DataType)
        {
            case BooleanType:
                return BitOps.GetBit(data.Buffers[1].Span, slot) ? "true" : "false";
            case StringType or LargeStringType or StringViewType:
                return $"\"{Encoding.UTF8.GetString(SlotReader.GetBytes(data, slot))}\"";
            case BinaryType or LargeBinaryType or BinaryViewType:
                return "0x" + Convert.ToHexString(SlotReader.GetBytes(data, slot));
            case DictionaryType:
                return Describe(data.Dictionary, checked((int)SlotReader.GetIndex(data, slot)));
            case Decimal32Type or Decimal64Type or Decimal128Type or Decimal256Type:
            {
                var unscaled = new BigInteger(FixedBytes(data, slot), isUnsigned: false, isBigEndian: false);
                int scale = data.DataType switch { Decimal32Type d => d.Scale, Decimal64Type d => d.Scale, Decimal128Type d => d.Scale, _ => ((Decimal256Type)data.DataType).Scale };
                return string.Create(ci, $"{unscaled}e{-scale}");
            }

            case FixedSizeBinaryType:
                return "0x" + Convert.ToHexString(FixedBytes(data, slot));
            case DoubleType:
                return BinaryPrimitives.ReadDoubleLittleEndian(FixedBytes(data, slot)).ToString("R", ci);
            case FloatType:
                return BinaryPrimitives.ReadSingleLittleEndian(FixedBytes(data, slot)).ToString("R", ci);
            case HalfFloatType:
                return BinaryPrimitives.ReadHalfLittleEndian(FixedBytes(data, slot)).ToString(ci);
            case FixedWidthType f when f.BitWidth is 8 or 16 or 32 or 64 && f is IntegerType or TimeBasedType or DateType or IntervalType { Unit: IntervalUnit.YearMonth }:
            {
                ReadOnlySpan<byte> b = FixedBytes(data, slot);
                bool signed = f is not IntegerType i || i.IsSigned;
                return f.BitWidth switch
                {
                    8 => signed ? ((sbyte)b[0]).ToString(ci) : b[0].ToString(ci),
                    16 => signed ? BinaryPrimitives.ReadInt16LittleEndian(b).ToString(ci) : BinaryPrimitives.ReadUInt16LittleEndian(b).ToString(ci),
                    32 => signed ? BinaryPrimitives.ReadInt32LittleEndian(b).ToString(ci) : BinaryPrimitives.ReadUInt32LittleEndian(b).ToString(ci),
                    _ => signed ? BinaryPrimitives.ReadInt64LittleEndian(b).ToString(ci) : BinaryPrimitives.ReadUInt64LittleEndian(b).ToString(ci),
                };
            }

            case FixedWidthType:
                return "0x" + Convert.ToHexString(FixedBytes(data, slot));
            default:
                return $"<{ArrowTypeText.Of(data.DataType)}>";
        }
    }
}
