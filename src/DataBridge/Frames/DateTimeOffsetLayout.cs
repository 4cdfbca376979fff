namespace DataBridge.Frames;

/// <summary>
/// How a <see cref="DateTimeOffset"/> column is stored: <c>struct&lt;timestamp: timestamp[us, UTC], offset_minutes: int16&gt;</c>.
/// </summary>
/// <remarks>
/// Arrow's timestamp type has one zone per column, so a per-value offset needs a second number. A
/// struct keeps one property = one column, and it survives pandas: the worker hands it to Python as a
/// dict <c>{"timestamp": aware datetime, "offset_minutes": int}</c> and infers the same struct back
/// (with an int64 offset, which the reader accepts). The instant is UTC microseconds, so it covers
/// DateTimeOffset's whole range; ticks below a microsecond are floored (documented in docs/dataframe.md).
/// </remarks>
internal static class DateTimeOffsetLayout
{
    public const string TimestampField = "timestamp";
    public const string OffsetField = "offset_minutes";

    public static readonly TimestampType Timestamp = new(TimeUnit.Microsecond, "UTC");

    public static readonly StructType Type = new([new Field(TimestampField, Timestamp, true), new Field(OffsetField, Int16Type.Default, true)]);

    /// <summary>A struct whose first child is a timestamp and whose second is an integer named like ours.</summary>
    public static bool Matches(StructType type) =>
        type.Fields.Count == 2 && type.Fields[0].DataType is TimestampType && type.Fields[1].DataType is IntegerType &&
        type.Fields[0].Name == TimestampField && type.Fields[1].Name == OffsetField;

    /// <summary>Reads element i of such a struct (Apache.Arrow's <see cref="StructArray.Fields"/> are sliced like the struct).</summary>
    public static Func<IArrowArray, int, DateTimeOffset> Reader(StructType type)
    {
        var tsType = (TimestampType)type.Fields[0].DataType;
        Func<IArrowArray, int, short> offset = ValueReader.Create<short>(type.Fields[1]);
        return (a, i) =>
        {
            var s = (StructArray)a;
            var ts = (TimestampArray)s.Fields[0];
            DateTime utc = ValueReader.ToDateTime(ts.Values[i], tsType);
            var delta = TimeSpan.FromMinutes(offset(s.Fields[1], i));
            return new DateTimeOffset(utc.Ticks + delta.Ticks, delta);
        };
    }
}
