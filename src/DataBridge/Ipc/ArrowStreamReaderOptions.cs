namespace DataBridge.Ipc;

/// <summary>Options of an <see cref="ArrowStreamReader"/>.</summary>
public sealed class ArrowStreamReaderOptions
{
    /// <summary>The defaults.</summary>
    public static ArrowStreamReaderOptions Default { get; } = new();

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
}
