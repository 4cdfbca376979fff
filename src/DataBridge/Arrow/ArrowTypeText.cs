using System.Globalization;

namespace DataBridge.Arrow;

/// <summary>
/// The short text of Arrow types, fields and schemas in messages and <see cref="ArrowFrame.ToString()"/>:
/// <c>int64</c>, <c>timestamp[us, UTC]</c>, <c>decimal128(38, 2)</c>, <c>list&lt;item: utf8&gt;</c>,
/// <c>qty: int64 not null</c> (Apache.Arrow's own <c>ToString</c> gives only the type's bare name).
/// </summary>
internal static class ArrowTypeText
{
    /// <summary>The type as text, parameters included.</summary>
    public static string Of(IArrowType type) => type switch
    {
        null => "null",
        NullType => "null",
        BooleanType => "bool",
        IntegerType i => (i.IsSigned ? "int" : "uint") + i.BitWidth.ToString(CultureInfo.InvariantCulture),
        HalfFloatType => "float16",
        FloatType => "float32",
        DoubleType => "float64",
        StringType => "utf8",
        LargeStringType => "large_utf8",
        StringViewType => "utf8_view",
        BinaryType => "binary",
        LargeBinaryType => "large_binary",
        BinaryViewType => "binary_view",
        Decimal32Type d => Decimal(32, d.Precision, d.Scale),
        Decimal64Type d => Decimal(64, d.Precision, d.Scale),
        Decimal128Type d => Decimal(128, d.Precision, d.Scale),
        Decimal256Type d => Decimal(256, d.Precision, d.Scale),
        FixedSizeBinaryType f => string.Create(CultureInfo.InvariantCulture, $"fixed_size_binary[{f.ByteWidth}]"),
        Date32Type => "date32",
        Date64Type => "date64",
        TimestampType t => t.Timezone is null ? $"timestamp[{Unit(t.Unit)}]" : $"timestamp[{Unit(t.Unit)}, {t.Timezone}]",
        Time32Type t => $"time32[{Unit(t.Unit)}]",
        Time64Type t => $"time64[{Unit(t.Unit)}]",
        DurationType d => $"duration[{Unit(d.Unit)}]",
        IntervalType i => i.Unit switch
        {
            IntervalUnit.YearMonth => "interval[year_month]",
            IntervalUnit.DayTime => "interval[day_time]",
            _ => "interval[month_day_nano]",
        },
        ListType l => $"list<{Of(l.ValueField)}>",
        LargeListType l => $"large_list<{Of(l.ValueField)}>",
        ListViewType l => $"list_view<{Of(l.ValueField)}>",
        LargeListViewType l => $"large_list_view<{Of(l.ValueField)}>",
        FixedSizeListType l => string.Create(CultureInfo.InvariantCulture, $"fixed_size_list<{Of(l.ValueField)}>[{l.ListSize}]"),
        MapType m => $"map<{Of(m.KeyField.DataType)}, {Of(m.ValueField.DataType)}{(m.KeySorted ? ", keys_sorted" : string.Empty)}>",
        StructType s => $"struct<{string.Join(", ", s.Fields.Select(Of))}>",
        UnionType u => string.Create(
            CultureInfo.InvariantCulture,
            $"{(u.Mode == UnionMode.Sparse ? "sparse" : "dense")}_union<{string.Join(", ", u.Fields.Select((f, i) => $"{Of(f)}={u.TypeIds[i]}"))}>"),
        DictionaryType d => $"dictionary<values={Of(d.ValueType)}, indices={Of(d.IndexType)}{(d.Ordered ? ", ordered" : string.Empty)}>",
        RunEndEncodedType r => $"run_end_encoded<run_ends={Of(r.RunEndsDataType)}, values={Of(r.ValuesDataType)}>",
        ExtensionType e => $"extension<{e.Name}, {Of(e.StorageType)}>",
        _ => type.Name,
    };

    /// <summary>The field as <c>name: type</c>, with <c> not null</c> when it is not nullable.</summary>
    public static string Of(Field field) => $"{field.Name}: {Of(field.DataType)}{(field.IsNullable ? string.Empty : " not null")}";

    /// <summary>One field per line.</summary>
    public static string Of(Schema schema) => string.Join(Environment.NewLine, schema.FieldsList.Select(Of));

    private static string Decimal(int bits, int precision, int scale) =>
        string.Create(CultureInfo.InvariantCulture, $"decimal{bits}({precision}, {scale})");

    private static string Unit(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => "s",
        TimeUnit.Millisecond => "ms",
        TimeUnit.Microsecond => "us",
        _ => "ns",
    };
}
