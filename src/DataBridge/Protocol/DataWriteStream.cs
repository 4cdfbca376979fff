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
    private readonly FrameWriter _writer;
    private readonly SharedRingWriter? _ring;
    private readonly Action<long, long> _emit;

    /// <summary>Creates the stream over the connection's writer, and the worker's input region if it has one.</summary>
    public DataWriteStream(FrameWriter writer, ISharedMemory? shared = null)
    {
        _writer = writer;
        _ring = shared is null ? null : new SharedRingWriter(shared);
        _emit = writer.WriteSharedData;
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
        return _writer.FlushAsync(cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public override void Flush()
    {
        EmitShared();
        _writer.Flush();
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
