using System.Globalization;

namespace DataBridge.Arrow;

/// <summary>
/// Readable names of Apache.Arrow types for messages and logs, with their parameters
/// (<c>timestamp[ms, UTC]</c>, <c>decimal128(10, 2)</c>, <c>list&lt;item: int64&gt;</c>): Apache.Arrow's own
/// <see cref="IArrowType.Name"/> is the bare kind (<c>timestamp</c>).
/// </summary>
internal static class TypeNames
{
    /// <summary>The readable name of <paramref name="type"/>.</summary>
    public static string Describe(IArrowType type) => type switch
    {
        NullType => "null",
        BooleanType => "bool",
        Int8Type => "int8",
        Int16Type => "int16",
        Int32Type => "int32",
        Int64Type => "int64",
        UInt8Type => "uint8",
        UInt16Type => "uint16",
        UInt32Type => "uint32",
        UInt64Type => "uint64",
        HalfFloatType => "float16",
        FloatType => "float32",
        DoubleType => "float64",
        StringType => "utf8",
        LargeStringType => "large_utf8",
        StringViewType => "utf8_view",
        BinaryType => "binary",
        LargeBinaryType => "large_binary",
        BinaryViewType => "binary_view",
        Decimal32Type d => Invariant($"decimal32({d.Precision}, {d.Scale})"),
        Decimal64Type d => Invariant($"decimal64({d.Precision}, {d.Scale})"),
        Decimal128Type d => Invariant($"decimal128({d.Precision}, {d.Scale})"),
        Decimal256Type d => Invariant($"decimal256({d.Precision}, {d.Scale})"),
        Date32Type => "date32",
        Date64Type => "date64",
        Time32Type t => $"time32[{Unit(t.Unit)}]",
        Time64Type t => $"time64[{Unit(t.Unit)}]",
        TimestampType t => t.Timezone is null ? $"timestamp[{Unit(t.Unit)}]" : $"timestamp[{Unit(t.Unit)}, {t.Timezone}]",
        DurationType d => $"duration[{Unit(d.Unit)}]",
        IntervalType i => i.Unit switch
        {
            IntervalUnit.YearMonth => "interval[year_month]",
            IntervalUnit.DayTime => "interval[day_time]",
            _ => "interval[month_day_nano]",
        },
        FixedSizeBinaryType b => Invariant($"fixed_size_binary[{b.ByteWidth}]"),
        ListType l => $"list<{Describe(l.ValueField)}>",
        LargeListType l => $"large_list<{Describe(l.ValueField)}>",
        ListViewType l => $"list_view<{Describe(l.ValueField)}>",
        LargeListViewType l => $"large_list_view<{Describe(l.ValueField)}>",
        FixedSizeListType l => Invariant($"fixed_size_list<{Describe(l.ValueField)}>[{l.ListSize}]"),
        MapType m => $"map<{Describe(m.KeyField.DataType)}, {Describe(m.ValueField.DataType)}{(m.KeySorted ? ", keys_sorted" : string.Empty)}>",
        StructType s => $"struct<{string.Join(", ", s.Fields.Select(Describe))}>",
        UnionType u => $"{(u.Mode == UnionMode.Dense ? "dense" : "sparse")}_union<{string.Join(", ", u.Fields.Select((f, i) => Invariant($"{Describe(f)}={u.TypeIds[i]}")))}>",
        DictionaryType d => $"dictionary<values={Describe(d.ValueType)}, indices={Describe(d.IndexType)}{(d.Ordered ? ", ordered" : string.Empty)}>",
        RunEndEncodedType r => $"run_end_encoded<run_ends={Describe(r.RunEndsDataType)}, values={Describe(r.ValuesDataType)}>",
        _ => type.Name,
    };

    /// <summary>A field as <c>name: type</c>, with <c>not null</c> when it is not nullable.</summary>
    public static string Describe(Field field) => $"{field.Name}: {Describe(field.DataType)}{(field.IsNullable ? string.Empty : " not null")}";

    /// <summary>The short name of a time unit: s, ms, us or ns.</summary>
    public static string Unit(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => "s",
        TimeUnit.Millisecond => "ms",
        TimeUnit.Microsecond => "us",
        _ => "ns",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
