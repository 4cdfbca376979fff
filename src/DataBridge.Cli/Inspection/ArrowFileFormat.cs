namespace DataBridge.Cli.Inspection;

/// <summary>
/// The Arrow IPC <em>file</em> format (<c>.arrow</c>, Feather v2) as the tool meets it: <c>"ARROW1"</c>, two
/// bytes of padding, the streaming format up to its end-of-stream marker, the footer (a flatbuffer with the
/// blocks for random access), an int32 footer size and <c>"ARROW1"</c> again. Read front to back, the stream
/// inside holds everything the tool prints, so the commands take the stream at byte 8.
/// </summary>
internal static class ArrowFileFormat
{
    /// <summary>Where the stream starts in a file.</summary>
    public const int StreamOffset = 8;

    private static ReadOnlySpan<byte> Magic => "ARROW1"u8;

    /// <summary>Whether <paramref name="data"/> starts with the file magic (a stream starts with a length prefix).</summary>
    public static bool IsFile(ReadOnlySpan<byte> data) => data.Length >= StreamOffset && data[..Magic.Length].SequenceEqual(Magic);

    /// <summary>The stream part of a file, or <paramref name="data"/> itself when it is a stream.</summary>
    public static ReadOnlyMemory<byte> StreamOf(ReadOnlyMemory<byte> data) => IsFile(data.Span) ? data[StreamOffset..] : data;
}
