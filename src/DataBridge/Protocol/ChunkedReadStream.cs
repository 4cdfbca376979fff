namespace DataBridge.Protocol;

/// <summary>
/// The data chunks of one direction of a framed connection (docs/protocol.md 2.2), concatenated, as a
/// read-only <see cref="Stream"/> for an Arrow reader. Control frames met on the way go to
/// <see cref="OnControlAsync"/>; a TRAILER ends the data. After the Arrow reader is done,
/// <see cref="CheckTrailerAsync"/> requires nothing but the trailer after the Arrow stream, with matching counts.
/// </summary>
/// <remarks>
/// A chunk's declared length only bounds how much is read into the caller's buffer; nothing is allocated by
/// it, so a hostile length costs nothing but the bytes actually sent.
/// </remarks>
internal abstract class ChunkedReadStream : Stream
{
    private long _chunkRemaining;
    private long _sharedOffset;
    private long _sharedRemaining;
    private bool _sharedIsEcho;

    /// <summary>Creates the stream over <paramref name="reader"/>, positioned at the first frame of the data.</summary>
    /// <param name="reader">The connection's frame reader.</param>
    /// <param name="shared">The peer's shared-memory region that SHARED_DATA frames point into, or null when the
    /// connection has none (such a frame is then a protocol error).</param>
    /// <param name="own">The region this side writes for the peer, which SHARED_ECHO frames point into (bytes the peer
    /// passes back unchanged), or null (such a frame is then a protocol error).</param>
    protected ChunkedReadStream(FrameReader reader, ISharedMemory? shared = null, ISharedMemory? own = null)
    {
        Reader = reader;
        Shared = shared;
        Own = own;
    }

    /// <summary>The peer's shared-memory region, or null.</summary>
    protected ISharedMemory? Shared { get; }

    /// <summary>This side's region for the peer (the input region), or null.</summary>
    protected ISharedMemory? Own { get; }

    /// <summary>
    /// Where the input region's second header word sits: the count of SHARED_ECHO frames this side has copied out in the
    /// run. The peer holds each range an echo names until this count reaches that echo, so that it is not written again
    /// before its bytes were taken (docs/protocol.md, 2.6).
    /// </summary>
    public const long SharedEchoesConsumedOffset = 8;

    private long _echoesConsumed;

    /// <summary>
    /// Where the output region's header word sits: the count of SHARED_DATA ranges this side has copied out in the run,
    /// so that the peer may write from the region's start again once all are (docs/protocol.md, 2.6). The peer's data
    /// starts at <see cref="SharedDataStart"/>.
    /// </summary>
    public const long SharedConsumedOffset = 0;

    /// <summary>Where a region's data starts: its first 64 bytes are the header.</summary>
    public const long SharedDataStart = 64;

    private long _sharedRangesConsumed;

    /// <summary>The end of the furthest SHARED_DATA range read (what the peer used of its region).</summary>
    public long SharedBytesUsed { get; private set; }

    /// <summary>The connection's frame reader.</summary>
    protected FrameReader Reader { get; }

    /// <summary>Names the stream in error messages, e.g. "the worker's output".</summary>
    protected abstract string Subject { get; }

    /// <summary>Whether the data has ended (a trailer or an ending control frame was read).</summary>
    protected bool DataEnded { get; set; }

    /// <summary>The trailer, once read.</summary>
    public Trailer? Trailer { get; private set; }

    /// <summary>Handles control frame <paramref name="code"/> met while the data is open (TRAILER is handled here).</summary>
    protected abstract ValueTask OnControlAsync(int code, CancellationToken cancellationToken);

    /// <summary>Ends the data at once (e.g. on an error frame): no further chunk is read.</summary>
    protected void EndData()
    {
        DataEnded = true;
        _chunkRemaining = 0;
        _sharedRemaining = 0;
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_chunkRemaining == 0 && _sharedRemaining == 0)
        {
            if (DataEnded)
            {
                return 0;
            }

            int prefix = await Reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
            if (prefix >= 0)
            {
                _chunkRemaining = prefix;
            }
            else if (prefix == FrameCode.SharedData)
            {
                (_sharedOffset, _sharedRemaining) = await Reader.ReadSharedDataBodyAsync(Shared?.Length ?? 0, prefix, cancellationToken).ConfigureAwait(false);
                SharedBytesUsed = Math.Max(SharedBytesUsed, _sharedOffset + _sharedRemaining);
                _sharedIsEcho = false;
            }
            else if (prefix == FrameCode.SharedEcho)
            {
                (_sharedOffset, _sharedRemaining) = await Reader.ReadSharedDataBodyAsync(Own?.Length ?? 0, prefix, cancellationToken).ConfigureAwait(false);
                _sharedIsEcho = true;
                if (_sharedRemaining == 0)
                {
                    RangeTaken();
                }
            }
            else if (prefix == FrameCode.Trailer && Trailer is null)
            {
                Trailer = await Reader.ReadTrailerBodyAsync(cancellationToken).ConfigureAwait(false);
                DataEnded = true;
            }
            else
            {
                await OnControlAsync(prefix, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_sharedRemaining > 0)
        {
            // Copied out before the Arrow reader checks a byte: the peer can still write to its region (and the bytes of
            // an echo are in a region the peer can write too).
            int count = (int)Math.Min(_sharedRemaining, buffer.Length);
            ISharedMemory region = _sharedIsEcho ? Own! : Shared!;
            region.CopyTo(_sharedOffset, buffer.Span[..count]);
            _sharedOffset += count;
            _sharedRemaining -= count;
            if (_sharedRemaining == 0)
            {
                RangeTaken();
            }

            return count;
        }

        int want = (int)Math.Min(_chunkRemaining, buffer.Length);
        int read = await Reader.ReadDataAsync(buffer[..want], cancellationToken).ConfigureAwait(false);
        _chunkRemaining -= read;
        return read;
    }

    // The current range is ours now: the peer may reuse its bytes (for an echo: release the input range it lies in).
    private void RangeTaken()
    {
        if (_sharedIsEcho)
        {
            Own!.PublishInt64(SharedEchoesConsumedOffset, ++_echoesConsumed);
        }
        else
        {
            Shared!.PublishInt64(SharedConsumedOffset, ++_sharedRangesConsumed);
        }
    }

    /// <summary>
    /// Called once the Arrow reader returned the end of its stream with <paramref name="rows"/> rows in
    /// <paramref name="batches"/> batches: the trailer must follow (no data), with the same counts.
    /// Truncation and padding are never silent.
    /// </summary>
    protected async ValueTask CheckTrailerAsync(long rows, long batches, CancellationToken cancellationToken)
    {
        // The Arrow reader stops after its EOS marker, so the trailer may still be ahead of us; anything but
        // control frames before it is data after the end of the Arrow stream.
        byte[]? scratch = null;
        while (!DataEnded || _chunkRemaining > 0 || _sharedRemaining > 0)
        {
            scratch ??= new byte[256];
            if (await ReadAsync(scratch, cancellationToken).ConfigureAwait(false) > 0)
            {
                throw new DataBridgeException($"Protocol error: {Subject} holds data after the end of its Arrow stream.");
            }
        }

        if (Trailer is not { } trailer)
        {
            throw new DataBridgeException($"Protocol error: {Subject} ended without a TRAILER frame; the data may be truncated.");
        }

        if (trailer.Rows != rows || trailer.Batches != batches)
        {
            throw new DataBridgeException(
                $"Protocol error: the trailer of {Subject} announces {trailer.Rows} rows in {trailer.Batches} batches, but the stream held {rows} rows in {batches} batches.");
        }
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    /// <remarks>Arrow readers use the asynchronous path; this blocking form exists because <see cref="Stream"/> requires it.</remarks>
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
