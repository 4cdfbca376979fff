namespace DataBridge.Ipc;

/// <summary>Options of an <see cref="ArrowIpcReader"/>.</summary>
public sealed class ArrowIpcReaderOptions
{
    /// <summary>The defaults.</summary>
    public static ArrowIpcReaderOptions Default { get; } = new();

    /// <summary>
    /// The largest metadata (flatbuffer) size accepted for one message, in bytes; larger prefixes are rejected
    /// as malformed before anything is allocated. Default: 64 MiB.
    /// </summary>
    public int MaxMetadataSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 64 << 20;

    /// <summary>The default of <see cref="MaxDecompressedBodySize"/>: 2 GiB.</summary>
    public const long DefaultMaxDecompressedBodySize = 2L << 30;

    /// <summary>
    /// The most bytes one compressed message's buffers may decompress to together. A buffer's declared
    /// uncompressed size is checked against it before anything is allocated, so a small hostile frame cannot
    /// make the reader allocate without bound. Default: <see cref="DefaultMaxDecompressedBodySize"/>.
    /// </summary>
    public long MaxDecompressedBodySize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = DefaultMaxDecompressedBodySize;
}
