using System.Buffers.Binary;

namespace DataBridge.Protocol;

/// <summary>
/// The one buffered writer of a worker socket. It owns a buffer of <c>BufferSize</c> bytes in which it
/// coalesces control frames and small Arrow writes: consecutive data writes share one open data chunk whose
/// int32 prefix is patched when the chunk is closed (by a control frame, a flush or a full buffer). Writes of
/// at least half the buffer are passed straight to the socket after their prefix, without a copy.
/// </summary>
/// <remarks>
/// Not thread-safe: during a run only the input side writes. Nothing reaches the socket before
/// <see cref="FlushAsync"/> (or a full buffer).
/// </remarks>
internal sealed class FrameWriter
{
    private const int NoChunk = -1;

    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private readonly int _passThroughThreshold;

    // Bytes [0, _position) are pending. When _chunkStart != NoChunk, an open data chunk's 4-byte prefix sits at
    // _chunkStart and its bytes run from _chunkStart + 4 to _position.
    private int _position;
    private int _chunkStart = NoChunk;

    /// <summary>Creates a writer over <paramref name="stream"/> with a buffer of <paramref name="bufferSize"/> bytes (at least 64).</summary>
    public FrameWriter(Stream stream, int bufferSize)
    {
        _stream = stream;
        _buffer = new byte[Math.Max(bufferSize, 64)];
        _passThroughThreshold = _buffer.Length / 2;
    }

    /// <summary>Writes a control frame without payload (<see cref="FrameCode.EndOfData"/>, <see cref="FrameCode.Ping"/>, ...).</summary>
    public ValueTask WriteControlAsync(int code, CancellationToken cancellationToken) =>
        WriteInt32Async(code, cancellationToken);

    /// <summary>Writes a raw little-endian int32 (a control code, or a handshake field).</summary>
    public async ValueTask WriteInt32Async(int value, CancellationToken cancellationToken)
    {
        CloseChunk();
        if (_buffer.Length - _position < 4)
        {
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_position), value);
        _position += 4;
    }

    /// <summary>Writes a <see cref="FrameCode.Trailer"/> frame: code, int64 rows, int64 batches.</summary>
    public async ValueTask WriteTrailerAsync(Trailer trailer, CancellationToken cancellationToken)
    {
        CloseChunk();
        if (_buffer.Length - _position < 4 + Trailer.Size)
        {
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        Span<byte> span = _buffer.AsSpan(_position, 4 + Trailer.Size);
        BinaryPrimitives.WriteInt32LittleEndian(span, FrameCode.Trailer);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], trailer.Rows);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], trailer.Batches);
        _position += 4 + Trailer.Size;
    }

    /// <summary>Writes a <see cref="FrameCode.SharedData"/> frame: code, int64 offset, int64 length.</summary>
    public async ValueTask WriteSharedDataAsync(long offset, long length, CancellationToken cancellationToken)
    {
        CloseChunk();
        if (_buffer.Length - _position < 20)
        {
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        PutSharedData(offset, length);
    }

    /// <summary>The synchronous form of <see cref="WriteSharedDataAsync"/>.</summary>
    public void WriteSharedData(long offset, long length)
    {
        CloseChunk();
        if (_buffer.Length - _position < 20)
        {
            FlushBuffer();
        }

        PutSharedData(offset, length);
    }

    // The 20 bytes of a SHARED_DATA frame at the buffer's position (the caller made room).
    private void PutSharedData(long offset, long length)
    {
        Span<byte> span = _buffer.AsSpan(_position, 20);
        BinaryPrimitives.WriteInt32LittleEndian(span, FrameCode.SharedData);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], offset);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], length);
        _position += 20;
    }

    /// <summary>Writes a control frame with a payload: code, int32 length, the bytes.</summary>
    public async ValueTask WritePayloadFrameAsync(int code, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await WriteInt32Async(code, cancellationToken).ConfigureAwait(false);
        await WriteInt32Async(payload.Length, cancellationToken).ConfigureAwait(false);
        await WriteRawAsync(payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes bytes as they are, outside any frame (handshake fields, payload bodies).</summary>
    public async ValueTask WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        CloseChunk();
        if (bytes.Length >= _passThroughThreshold)
        {
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_buffer.Length - _position < bytes.Length)
        {
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        bytes.Span.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    /// <summary>Writes bytes of the current Arrow stream as data chunk(s).</summary>
    public async ValueTask WriteDataAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.Length >= _passThroughThreshold)
        {
            // Large write: its own chunk, the prefix flushed with whatever is pending, then the caller's memory
            // goes to the socket as it is.
            await WriteInt32Async(data.Length, cancellationToken).ConfigureAwait(false);
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            return;
        }

        while (!data.IsEmpty)
        {
            if (_chunkStart == NoChunk)
            {
                if (_buffer.Length - _position < 5)
                {
                    await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
                }

                _chunkStart = _position;
                _position += 4;
            }

            int count = Math.Min(data.Length, _buffer.Length - _position);
            data.Span[..count].CopyTo(_buffer.AsSpan(_position));
            _position += count;
            data = data[count..];
            if (_position == _buffer.Length)
            {
                await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The synchronous form of <see cref="WriteDataAsync"/> for callers of <see cref="Stream.Write(ReadOnlySpan{byte})"/>.</summary>
    public void WriteData(ReadOnlySpan<byte> data)
    {
        if (data.Length >= _passThroughThreshold)
        {
            CloseChunk();
            if (_buffer.Length - _position < 4)
            {
                FlushBuffer();
            }

            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_position), data.Length);
            _position += 4;
            FlushBuffer();
            _stream.Write(data);
            return;
        }

        while (!data.IsEmpty)
        {
            if (_chunkStart == NoChunk)
            {
                if (_buffer.Length - _position < 5)
                {
                    FlushBuffer();
                }

                _chunkStart = _position;
                _position += 4;
            }

            int count = Math.Min(data.Length, _buffer.Length - _position);
            data[..count].CopyTo(_buffer.AsSpan(_position));
            _position += count;
            data = data[count..];
            if (_position == _buffer.Length)
            {
                FlushBuffer();
            }
        }
    }

    /// <summary>Sends everything pending to the socket.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The synchronous form of <see cref="FlushAsync"/>.</summary>
    public void Flush()
    {
        FlushBuffer();
        _stream.Flush();
    }

    private async ValueTask FlushBufferAsync(CancellationToken cancellationToken)
    {
        CloseChunk();
        if (_position > 0)
        {
            int count = _position;
            _position = 0;
            await _stream.WriteAsync(_buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
        }
    }

    private void FlushBuffer()
    {
        CloseChunk();
        if (_position > 0)
        {
            int count = _position;
            _position = 0;
            _stream.Write(_buffer, 0, count);
        }
    }

    // Patches the open chunk's prefix with its length; an empty chunk is dropped.
    private void CloseChunk()
    {
        if (_chunkStart == NoChunk)
        {
            return;
        }

        int length = _position - _chunkStart - 4;
        if (length == 0)
        {
            _position = _chunkStart;
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_chunkStart), length);
        }

        _chunkStart = NoChunk;
    }
}
