namespace DataBridge.Arrow;

/// <summary>Builders that accept a value as raw bytes (binary, string, fixed-size binary), used by dictionary builders.</summary>
internal interface IBinaryValueAppender
{
    /// <summary>Appends <paramref name="value"/> as one element.</summary>
    void AppendBytes(ReadOnlySpan<byte> value);
}
