namespace DataBridge.Frames;

/// <summary>Names shared by the .NET → Arrow mapping (the full table is in docs/dataframe.md).</summary>
internal static class ClrTypeMapping
{
    /// <summary>The canonical extension name of UUID columns (fixed_size_binary(16), RFC 4122 byte order).</summary>
    public const string UuidExtension = "arrow.uuid";

    /// <summary>Field metadata marking a UUID column.</summary>
    public static readonly KeyValuePair<string, string>[] UuidMetadata =
    [
        new("ARROW:extension:name", UuidExtension),
        new("ARROW:extension:metadata", string.Empty),
    ];

    /// <summary>The <c>ARROW:extension:name</c> of a field, or null (Apache.Arrow's fields keep it in their metadata).</summary>
    public static string? ExtensionName(Field field) =>
        field.Metadata is { } metadata && metadata.TryGetValue("ARROW:extension:name", out string? name) ? name : null;

    /// <summary>The unit of <see cref="DateTime"/> columns: microseconds cover years 1 to 9999 (nanoseconds would end in 2262).</summary>
    public const TimeUnit DateTimeUnit = TimeUnit.Microsecond;

    /// <summary>The unit of <see cref="TimeOnly"/> and <see cref="TimeSpan"/> columns: nanoseconds hold every 100 ns tick.</summary>
    public const TimeUnit TickUnit = TimeUnit.Nanosecond;
}
