namespace DataBridge.Protocol;

/// <summary>
/// The input side of one run as a write-only <see cref="Stream"/>: an Arrow writer's bytes become data
/// chunks through the connection's <see cref="FrameWriter"/> (small writes coalesced in its buffer, large
/// ones passed through). Flushing sends what is pending to the socket. Disposing does not close the socket.
/// </summary>
/// <remarks>
/// With a shared-memory region (docs/protocol.md, 2.6) the bytes are copied into the region instead, used as a ring
/// (<see cref="SharedRingWriter"/>), and each flush sends one SHARED_DATA frame naming the range written since the last
/// one. A write that finds no room (the worker still reads all the region holds) goes through the socket as a data
/// chunk, after the range before it was named: the stream's order is kept, and nothing ever waits for the worker.
/// </remarks>
internal sealed class DataWriteStream : Stream
{
    /// <summary>With deferred small flushes, a flush reaches the socket once at least this much was written since the last one.</summary>
    internal const int DeferredFlushBytes = 64 * 1024;

    private readonly FrameWriter _writer;
    private readonly SharedRingWriter? _ring;
    private readonly Action<long, long> _emit;
    private readonly bool _deferSmallFlushes;
    private long _flushedAt;

    /// <summary>Creates the stream over the connection's writer, and the worker's input region if it has one.</summary>
    /// <param name="writer">The connection's frame writer.</param>
    /// <param name="shared">The worker's input region, or null.</param>
    /// <param name="deferSmallFlushes">Whether a flush after less than <see cref="DeferredFlushBytes"/> leaves the bytes
    /// for the writer's next flush: for an input that is all at hand, whose writer flushes again right after (the
    /// closing frames), so a small run's frames go out in one write. Shared ranges are named at every flush anyway.</param>
    public DataWriteStream(FrameWriter writer, ISharedMemory? shared = null, bool deferSmallFlushes = false)
    {
        _writer = writer;
        _ring = shared is null ? null : new SharedRingWriter(shared);
        _emit = writer.WriteSharedData;
        _deferSmallFlushes = deferSmallFlushes;
    }

    /// <summary>How many bytes of the region this run wrote (what must be cleared before the next run).</summary>
    public long SharedBytesUsed => _ring?.HighWater ?? 0;

    /// <summary>Total Arrow bytes written.</summary>
    public long BytesWritten { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => BytesWritten;

    /// <inheritdoc />
    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        BytesWritten += buffer.Length;
        if (TryWriteShared(buffer.Span))
        {
            return ValueTask.CompletedTask;
        }

        return _ring is { HasOpenRange: true } ? WriteAfterSharedAsync(buffer, cancellationToken) : _writer.WriteDataAsync(buffer, cancellationToken);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        BytesWritten += buffer.Length;
        if (TryWriteShared(buffer))
        {
            return;
        }

        EmitShared();
        _writer.WriteData(buffer);
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        EmitShared();
        return FlushesSocket() ? _writer.FlushAsync(cancellationToken).AsTask() : Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void Flush()
    {
        EmitShared();
        if (FlushesSocket())
        {
            _writer.Flush();
        }
    }

    private bool FlushesSocket()
    {
        if (_deferSmallFlushes && BytesWritten - _flushedAt < DeferredFlushBytes)
        {
            return false;
        }

        _flushedAt = BytesWritten;
        return true;
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    // Copies into the region when it has room; false when the socket must take this write.
    private bool TryWriteShared(ReadOnlySpan<byte> buffer) => _ring is not null && _ring.TryAppend(buffer, _emit);

    // Names the bytes written to the region since the last frame (the frame goes out with the writer's next flush).
    private void EmitShared() => _ring?.Emit(_emit);

    private async ValueTask WriteAfterSharedAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        EmitShared();
        await _writer.WriteDataAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
}
