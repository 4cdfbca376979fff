namespace DataBridge.Ipc;

/// <summary>Options of an <see cref="ArrowIpcWriter"/>.</summary>
public sealed class ArrowIpcWriterOptions
{
    /// <summary>The defaults: 8-byte framing with continuation markers, dictionary deltas enabled.</summary>
    public static ArrowIpcWriterOptions Default { get; } = new();

    /// <summary>
    /// Writes the pre-0.15 framing (no 0xFFFFFFFF continuation marker before each metadata length; a 4-byte
    /// end-of-stream marker) for readers older than Arrow 0.15. The metadata is still version V5.
    /// Default: false.
    /// </summary>
    public bool LegacyFormat { get; init; }

    /// <summary>
    /// Writes the Arrow file format (<c>.arrow</c>, Feather v2) instead of the stream format: the
    /// <c>ARROW1</c> magic, the messages, and on <see cref="ArrowIpcWriter.WriteEnd"/> a footer indexing them.
    /// Files cannot replace dictionaries, so with this option a changed dictionary must extend the previous
    /// one (it is written as a delta) or the batch is refused. Not combinable with <see cref="LegacyFormat"/>.
    /// </summary>
    public bool FileFormat { get; init; }

    /// <summary>
    /// When a dictionary grows by appending (the previous dictionary is a prefix of the new one), send only
    /// the new values as a delta DictionaryBatch instead of replacing the whole dictionary. Default: true.
    /// </summary>
    public bool EmitDictionaryDeltas { get; init; } = true;

    /// <summary>
    /// Compresses record-batch and dictionary bodies buffer by buffer (Arrow IPC BodyCompression, through
    /// Apache.Arrow.Compression). Readers without the codec cannot read such streams: our Python workers read
    /// them only where the <c>lz4</c> / <c>zstandard</c> modules are installed. Default: not compressed.
    /// </summary>
    public ArrowIpcCompression Compression { get; init; }
}

/// <summary>The body compression an <see cref="ArrowIpcWriter"/> applies.</summary>
public enum ArrowIpcCompression
{
    /// <summary>Bodies are not compressed.</summary>
    None,

    /// <summary>LZ4 frame format per buffer.</summary>
    Lz4Frame,

    /// <summary>Zstandard per buffer.</summary>
    Zstd,
}
