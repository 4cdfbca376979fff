namespace DataBridge.Protocol;

/// <summary>
/// The writing side of a shared-memory region used as a ring (docs/protocol.md, 2.6): bytes are appended to the open
/// range, ranges are named to the peer with SHARED_DATA frames (<see cref="Emit"/>), and the peer counts, in the region's
/// header word, how many of them (oldest first) it no longer reads; their bytes may then be written again. Nothing here
/// ever waits: a write that finds no room is the caller's to send through the socket.
/// </summary>
/// <remarks>
/// The header word is the peer's to write, so it is never trusted beyond what was emitted: a peer that claims too much
/// only gets its own ranges overwritten. Every write stays inside the region whatever the word says.
/// </remarks>
internal sealed class SharedRingWriter
{
    private readonly ISharedMemory _region;
    private readonly Queue<long> _inFlightStarts = new();
    private long _cursor = ChunkedReadStream.SharedDataStart;
    private long _openStart = -1;
    private long _emitted;
    private long _released;

    /// <summary>Creates the writer over <paramref name="region"/>; its header word is reset (nothing released yet).</summary>
    public SharedRingWriter(ISharedMemory region)
    {
        _region = region;
        region.PublishInt64(ChunkedReadStream.SharedConsumedOffset, 0);
    }

    /// <summary>The end of the furthest byte written (what must be cleared before the next run).</summary>
    public long HighWater { get; private set; }

    /// <summary>Whether bytes written since the last <see cref="Emit"/> wait to be named.</summary>
    public bool HasOpenRange => _openStart >= 0 && _cursor > _openStart;

    /// <summary>
    /// Copies <paramref name="data"/> into the open range, or into a new one at the region's start when the end is
    /// full and the start is free again (the open range is then emitted first through <paramref name="emit"/>).
    /// False when there is no room: nothing was written.
    /// </summary>
    public bool TryAppend(ReadOnlySpan<byte> data, Action<long, long> emit)
    {
        Refresh();
        long n = data.Length;
        long start = ChunkedReadStream.SharedDataStart;
        bool occupied = _inFlightStarts.Count > 0 || HasOpenRange;
        if (!occupied)
        {
            _cursor = start;
            _openStart = -1;
        }

        long oldest = _inFlightStarts.Count > 0 ? _inFlightStarts.Peek() : HasOpenRange ? _openStart : _cursor;
        bool wrapped = occupied && oldest >= _cursor;
        if (wrapped ? n > oldest - _cursor : n > _region.Length - _cursor)
        {
            if (wrapped || !occupied || n > oldest - start)
            {
                return false;
            }

            // The end is full, the start free: a new range from the start (a range never wraps).
            Emit(emit);
            _cursor = start;
        }

        data.CopyTo(_region.Slice(_cursor, data.Length));
        if (_openStart < 0)
        {
            _openStart = _cursor;
        }

        _cursor += n;
        HighWater = Math.Max(HighWater, _cursor);
        return true;
    }

    /// <summary>Names the open range to the peer through <paramref name="emit"/> (offset, length), if it holds bytes.</summary>
    public void Emit(Action<long, long> emit)
    {
        if (!HasOpenRange)
        {
            _openStart = -1;
            return;
        }

        emit(_openStart, _cursor - _openStart);
        _inFlightStarts.Enqueue(_openStart);
        _emitted++;
        _openStart = -1;
    }

    // Drops the ranges the peer says it released, never more than were emitted.
    private void Refresh()
    {
        long released = Math.Clamp(_region.ReadInt64(ChunkedReadStream.SharedConsumedOffset), _released, _emitted);
        for (; _released < released; _released++)
        {
            _inFlightStarts.Dequeue();
        }
    }
}
