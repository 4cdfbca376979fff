namespace DataBridge.Arrow;

/// <summary>
/// Structural equality of Arrow types, fields and schemas. Apache.Arrow's types, fields and schemas
/// compare by reference, so two <c>timestamp[us, UTC]</c> built apart are different objects; a frame needs
/// "same type" in the sense of the Arrow specification: same id, same parameters, equal child fields.
/// <see cref="SameLayout"/> is the looser check of the codec: equal types whatever the child fields are named
/// (a writer may rename map entries or list items) and without metadata.
/// </summary>
internal static class ArrowTypeEquality
{
    /// <summary>Same type id and parameters; child fields equal as by <see cref="Equal(Field, Field)"/>.</summary>
    public static bool Equal(IArrowType a, IArrowType b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.TypeId != b.TypeId)
        {
            return false;
        }

        return (a, b) switch
        {
            (Decimal32Type x, Decimal32Type y) => x.Precision == y.Precision && x.Scale == y.Scale,
            (Decimal64Type x, Decimal64Type y) => x.Precision == y.Precision && x.Scale == y.Scale,
            (Decimal128Type x, Decimal128Type y) => x.Precision == y.Precision && x.Scale == y.Scale,
            (Decimal256Type x, Decimal256Type y) => x.Precision == y.Precision && x.Scale == y.Scale,
            (FixedSizeBinaryType x, FixedSizeBinaryType y) => x.ByteWidth == y.ByteWidth,
            (TimestampType x, TimestampType y) => x.Unit == y.Unit && string.Equals(x.Timezone, y.Timezone, StringComparison.Ordinal),
            (TimeBasedType x, TimeBasedType y) => x.Unit == y.Unit,
            (IntervalType x, IntervalType y) => x.Unit == y.Unit,
            (DictionaryType x, DictionaryType y) => x.Ordered == y.Ordered && Equal(x.IndexType, y.IndexType) && Equal(x.ValueType, y.ValueType),
            (FixedSizeListType x, FixedSizeListType y) => x.ListSize == y.ListSize && FieldsEqual(x.Fields, y.Fields),
            (MapType x, MapType y) => x.KeySorted == y.KeySorted && FieldsEqual(x.Fields, y.Fields),
            (UnionType x, UnionType y) => x.Mode == y.Mode && x.TypeIds.AsSpan().SequenceEqual(y.TypeIds) && FieldsEqual(x.Fields, y.Fields),
            (NestedType x, NestedType y) => FieldsEqual(x.Fields, y.Fields),
            (ExtensionType x, ExtensionType y) => x.Name == y.Name && Equal(x.StorageType, y.StorageType),
            _ => true,
        };
    }

    /// <summary>Same name (ordinal), nullability, type and metadata.</summary>
    public static bool Equal(Field a, Field b) =>
        ReferenceEquals(a, b) ||
        (a is not null && b is not null && string.Equals(a.Name, b.Name, StringComparison.Ordinal) && a.IsNullable == b.IsNullable &&
         Equal(a.DataType, b.DataType) && MetadataEqual(a.Metadata, b.Metadata));

    /// <summary>Equal fields in the same order and equal metadata.</summary>
    public static bool Equal(Schema a, Schema b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && FieldsEqual(a.FieldsList, b.FieldsList) && MetadataEqual(a.Metadata, b.Metadata));

    /// <summary>Same keys with the same values; null and empty are equal.</summary>
    public static bool MetadataEqual(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        int countA = a?.Count ?? 0;
        if (countA != (b?.Count ?? 0))
        {
            return false;
        }

        return countA == 0 || a!.All(kv => b!.TryGetValue(kv.Key, out string? value) && string.Equals(value, kv.Value, StringComparison.Ordinal));
    }

    private static bool FieldsEqual(IReadOnlyList<Field> a, IReadOnlyList<Field> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (!Equal(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> describe the same physical layout and logical type.</summary>
    public static bool SameLayout(IArrowType a, IArrowType b, bool compareFieldNames = false)
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
            (TimeBasedType x, TimeBasedType y) => x.Unit == y.Unit,
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
                x.IndexType.TypeId == y.IndexType.TypeId && x.Ordered == y.Ordered && SameLayout(x.ValueType, y.ValueType, compareFieldNames),
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

            if (!SameLayout(ca[i].DataType, cb[i].DataType, compareFieldNames))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether two schemas have fields of equal names, nullability and types (metadata is not compared).</summary>
    public static bool SameColumns(Schema a, Schema b)
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
                || !SameLayout(fa[i].DataType, fb[i].DataType, compareFieldNames: true))
            {
                return false;
            }
        }

        return true;
    }
}
