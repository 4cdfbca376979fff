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
}
