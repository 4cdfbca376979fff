using System.Globalization;

namespace DataBridge.Tooling;

/// <summary>
/// Readable names of Apache.Arrow types for the tool's output and error messages (<c>int64</c>,
/// <c>timestamp[us, UTC]</c>, <c>list&lt;item: utf8&gt;</c>): Apache.Arrow's types have no <c>ToString</c>,
/// and their <see cref="IArrowType.Name"/> leaves out units, widths and children.
/// </summary>
internal static class ArrowTypeText
{
    /// <summary>The type with its parameters and children, e.g. <c>map&lt;utf8, int32&gt;</c>.</summary>
    public static string Describe(IArrowType type) => type switch
    {
        null => "(no type)",
        IntegerType t => Invariant($"{(t.IsSigned ? "int" : "uint")}{t.BitWidth}"),
        FloatingPointType t => t.Precision switch
        {
            FloatingPointType.PrecisionKind.Half => "float16",
            FloatingPointType.PrecisionKind.Single => "float32",
            _ => "float64",
        },
        BooleanType => "bool",
        StringType => "utf8",
        LargeStringType => "large_utf8",
        StringViewType => "utf8_view",
        BinaryType => "binary",
        LargeBinaryType => "large_binary",
        BinaryViewType => "binary_view",
        Decimal32Type t => Invariant($"decimal32({t.Precision}, {t.Scale})"),
        Decimal64Type t => Invariant($"decimal64({t.Precision}, {t.Scale})"),
        Decimal128Type t => Invariant($"decimal128({t.Precision}, {t.Scale})"),
        Decimal256Type t => Invariant($"decimal256({t.Precision}, {t.Scale})"),
        // After the decimals: they derive from FixedSizeBinaryType.
        FixedSizeBinaryType t => Invariant($"fixed_size_binary[{t.ByteWidth}]"),
        Date32Type => "date32",
        Date64Type => "date64",
        TimeType t => Invariant($"time{t.BitWidth}[{UnitSuffix(t.Unit)}]"),
        TimestampType t => t.Timezone is null ? $"timestamp[{UnitSuffix(t.Unit)}]" : $"timestamp[{UnitSuffix(t.Unit)}, {t.Timezone}]",
        DurationType t => $"duration[{UnitSuffix(t.Unit)}]",
        IntervalType t => t.Unit switch
        {
            IntervalUnit.YearMonth => "interval[year_month]",
            IntervalUnit.DayTime => "interval[day_time]",
            _ => "interval[month_day_nano]",
        },
        ListType t => $"list<{Describe(t.ValueField)}>",
        LargeListType t => $"large_list<{Describe(t.ValueField)}>",
        ListViewType t => $"list_view<{Describe(t.ValueField)}>",
        LargeListViewType t => $"large_list_view<{Describe(t.ValueField)}>",
        FixedSizeListType t => Invariant($"fixed_size_list<{Describe(t.ValueField)}>[{t.ListSize}]"),
        StructType t => $"struct<{string.Join(", ", t.Fields.Select(Describe))}>",
        MapType t => $"map<{Describe(t.KeyField.DataType)}, {Describe(t.ValueField.DataType)}{(t.KeySorted ? ", keys_sorted" : string.Empty)}>",
        UnionType t => Invariant($"{(t.Mode == UnionMode.Sparse ? "sparse" : "dense")}_union<{string.Join(", ", t.Fields.Select((f, i) => Invariant($"{Describe(f)}={(i < t.TypeIds.Length ? t.TypeIds[i] : i)}")))}>"),
        RunEndEncodedType t => $"run_end_encoded<{Describe(t.RunEndsField)}, {Describe(t.ValuesField)}>",
        DictionaryType t => $"dictionary<values={Describe(t.ValueType)}, indices={Describe(t.IndexType)}{(t.Ordered ? ", ordered" : string.Empty)}>",
        NullType => "null",
        _ => type.Name,
    };

    /// <summary><c>name: type</c>, plus <c> not null</c> for a non-nullable field.</summary>
    public static string Describe(Field field) => $"{field.Name}: {Describe(field.DataType)}{(field.IsNullable ? string.Empty : " not null")}";

    private static string UnitSuffix(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => "s",
        TimeUnit.Millisecond => "ms",
        TimeUnit.Microsecond => "us",
        _ => "ns",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
