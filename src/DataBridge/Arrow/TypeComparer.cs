namespace DataBridge.Arrow;

/// <summary>
/// Structural equality of Apache.Arrow types, which compare by reference: the same type id, the same parameters
/// (units, zones, widths, precision and scale, list sizes, union modes and type ids, dictionary index type and
/// ordering) and, for nested types, children of equal types. Field names and nullability are compared only when
/// asked (a stream's writer may rename map entries or list items).
/// </summary>
internal static class TypeComparer
{
    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> describe the same physical layout and logical type.</summary>
    public static bool Equal(IArrowType a, IArrowType b, bool compareFieldNames = false)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.TypeId != b.TypeId)
        {
            return false;
        }

        bool parametersEqual = (a, b) switch
        {
            (TimestampType x, TimestampType y) => x.Unit == y.Unit && string.Equals(x.Timezone, y.Timezone, StringComparison.Ordinal),
            (TimeType x, TimeType y) => x.Unit == y.Unit,
            (DurationType x, DurationType y) => x.Unit == y.Unit,
            (IntervalType x, IntervalType y) => x.Unit == y.Unit,
            (Decimal32Type x, Decimal32Type y) => x.Precision == y.Precision && x.Scale == y.Scale,
            (Decimal64Type x, Decimal64Type y) => x.Precision == y.Precision && x.Scale == y.Scale,
            (Decimal128Type x, Decimal128Type y) => x.Precision == y.Precision && x.Scale == y.Scale,
            (Decimal256Type x, Decimal256Type y) => x.Precision == y.Precision && x.Scale == y.Scale,
            (FixedSizeBinaryType x, FixedSizeBinaryType y) => x.ByteWidth == y.ByteWidth,
            (FixedSizeListType x, FixedSizeListType y) => x.ListSize == y.ListSize,
            (MapType x, MapType y) => x.KeySorted == y.KeySorted,
            (UnionType x, UnionType y) => x.Mode == y.Mode && x.TypeIds.AsSpan().SequenceEqual(y.TypeIds),
            (DictionaryType x, DictionaryType y) =>
                x.IndexType.TypeId == y.IndexType.TypeId && x.Ordered == y.Ordered && Equal(x.ValueType, y.ValueType, compareFieldNames),
            _ => true,
        };
        if (!parametersEqual)
        {
            return false;
        }

        IReadOnlyList<Field> ca = TypeLayout.Children(a);
        IReadOnlyList<Field> cb = TypeLayout.Children(b);
        if (ca.Count != cb.Count)
        {
            return false;
        }

        for (int i = 0; i < ca.Count; i++)
        {
            if (compareFieldNames && (!string.Equals(ca[i].Name, cb[i].Name, StringComparison.Ordinal) || ca[i].IsNullable != cb[i].IsNullable))
            {
                return false;
            }

            if (!Equal(ca[i].DataType, cb[i].DataType, compareFieldNames))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether two schemas have fields of equal names, nullability and types (metadata is not compared).</summary>
    public static bool SchemasEqual(Schema a, Schema b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        IReadOnlyList<Field> fa = a.FieldsList;
        IReadOnlyList<Field> fb = b.FieldsList;
        if (fa.Count != fb.Count)
        {
            return false;
        }

        for (int i = 0; i < fa.Count; i++)
        {
            if (!string.Equals(fa[i].Name, fb[i].Name, StringComparison.Ordinal) || fa[i].IsNullable != fb[i].IsNullable
                || !Equal(fa[i].DataType, fb[i].DataType, compareFieldNames: true))
            {
                return false;
            }
        }

        return true;
    }
}
