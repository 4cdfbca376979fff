namespace DataBridge.Protocol;

/// <summary>
/// A shared-memory region as the frame streams see it (docs/protocol.md, 2.6): its length and its bytes. Its content
/// is the peer's too, so readers copy out of it (<see cref="CopyTo"/>) before they check anything.
/// </summary>
internal interface ISharedMemory
{
    /// <summary>The region's size in bytes.</summary>
    long Length { get; }

    /// <summary>The bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>), for writing; throws outside the region.</summary>
    Span<byte> Slice(long offset, int length);

    /// <summary>Copies <paramref name="destination"/>.Length bytes from <paramref name="offset"/>; throws outside the region.</summary>
    void CopyTo(long offset, Span<byte> destination);

    /// <summary>Stores <paramref name="value"/> at 8-aligned <paramref name="offset"/> with release semantics: every read
    /// of the region before it is done when the peer sees it.</summary>
    void PublishInt64(long offset, long value);

    /// <summary>Loads the int64 at 8-aligned <paramref name="offset"/> with acquire semantics (the peer's header word).</summary>
    long ReadInt64(long offset);
}
