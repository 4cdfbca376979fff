using System.Buffers.Binary;

namespace DataBridge.Protocol;

/// <summary>
/// The one buffered reader of a worker socket (or a callback connection). It owns its buffer and reads
/// little-endian frame prefixes, fixed-size bodies and length-checked payloads from it; Arrow data bytes are
/// copied out of the buffer when some are already buffered and otherwise read straight into the caller's
/// memory, so large chunks are never copied twice.
/// </summary>
/// <remarks>
/// Not thread-safe: during a run only the output side reads. Every method throws
/// <see cref="ConnectionClosedException"/> when the peer closes the connection before the bytes it needs.
/// </remarks>
internal sealed class FrameReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;

    // Invariant: 0 <= _start <= _end <= _buffer.Length; bytes [_start, _end) are buffered and unread.
    private int _start;
    private int _end;

    /// <summary>Creates a reader over <paramref name="stream"/> with a buffer of <paramref name="bufferSize"/> bytes (at least 64).</summary>
    public FrameReader(Stream stream, int bufferSize)
    {
        _stream = stream;
        _buffer = new byte[Math.Max(bufferSize, 64)];
    }

    /// <summary>Number of bytes buffered and not yet consumed.</summary>
    public int Buffered => _end - _start;

    /// <summary>Reads a frame prefix: a data chunk length (&gt;= 0) or a control code (&lt; 0).</summary>
    public ValueTask<int> ReadPrefixAsync(CancellationToken cancellationToken) =>
        ReadInt32Async("reading the next frame", cancellationToken);

    /// <summary>Reads a little-endian int32.</summary>
    public async ValueTask<int> ReadInt32Async(string what, CancellationToken cancellationToken)
    {
        if (Buffered < 4)
        {
            await FillAsync(4, what, cancellationToken).ConfigureAwait(false);
        }

        int value = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start, 4));
        _start += 4;
        return value;
    }

    /// <summary>
    /// Reads the body of a <see cref="FrameCode.SharedData"/> or <see cref="FrameCode.SharedEcho"/> frame (<paramref name="code"/>), int64 offset and int64 length, and checks that they lie within a region of
    /// <paramref name="regionLength"/> bytes (0: the connection has no region).
    /// </summary>
    public async ValueTask<(long Offset, long Length)> ReadSharedDataBodyAsync(long regionLength, int code, CancellationToken cancellationToken)
    {
        if (Buffered < 16)
        {
            await FillAsync(16, code == FrameCode.SharedEcho ? "reading a SHARED_ECHO frame" : "reading a SHARED_DATA frame", cancellationToken).ConfigureAwait(false);
        }

        long offset = BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(_start, 8));
        long length = BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(_start + 8, 8));
        _start += 16;
        if (regionLength <= 0)
        {
            throw new DataBridgeException($"Protocol error: a {FrameCode.Name(code)} frame on a connection without a shared-memory region.");
        }

        if (offset < 0 || length < 0 || offset > regionLength - length)
        {
            throw new DataBridgeException(
                $"Protocol error: a {FrameCode.Name(code)} frame names bytes [{offset}, {offset} + {length}) outside the shared-memory region of {regionLength} bytes.");
        }

        return (offset, length);
    }

    /// <summary>Reads the body of a <see cref="FrameCode.Trailer"/> frame: int64 rows, int64 batches.</summary>
    public async ValueTask<Trailer> ReadTrailerBodyAsync(CancellationToken cancellationToken)
    {
        if (Buffered < Trailer.Size)
        {
            await FillAsync(Trailer.Size, "reading a TRAILER frame", cancellationToken).ConfigureAwait(false);
        }

        long rows = BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(_start, 8));
        long batches = BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(_start + 8, 8));
        _start += Trailer.Size;
        if (rows < 0 || batches < 0)
        {
            throw new DataBridgeException($"Protocol error: TRAILER frame with negative counts (rows {rows}, batches {batches}).");
        }

        return new Trailer(rows, batches);
    }

    /// <summary>
    /// Reads the int32 length and payload of a control frame with code <paramref name="code"/>. The length is
    /// checked against <paramref name="maxBytes"/> before anything is allocated. The returned memory is valid
    /// only until the next call on this reader.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadPayloadAsync(int code, int maxBytes, CancellationToken cancellationToken)
    {
        int length = await ReadInt32Async($"reading the length of a {FrameCode.Name(code)} frame", cancellationToken).ConfigureAwait(false);
        if ((uint)length > (uint)maxBytes)
        {
            ProtocolErrors.ThrowBadLength(code, length, maxBytes);
        }

        if (length <= _buffer.Length)
        {
            if (Buffered < length)
            {
                await FillAsync(length, $"reading a {FrameCode.Name(code)} frame", cancellationToken).ConfigureAwait(false);
            }

            var payload = new ReadOnlyMemory<byte>(_buffer, _start, length);
            _start += length;
            return payload;
        }

        // Larger than the buffer (rare: a huge traceback or code text): a one-off array, bounded by maxBytes.
        byte[] large = new byte[length];
        await ReadExactlyAsync(large, $"reading a {FrameCode.Name(code)} frame", cancellationToken).ConfigureAwait(false);
        return large;
    }

    /// <summary>
    /// Reads up to <paramref name="destination"/>.Length bytes of a data chunk (the caller bounds it by the
    /// chunk's remaining length). Returns at least one byte.
    /// </summary>
    public async ValueTask<int> ReadDataAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        if (Buffered == 0)
        {
            if (destination.Length >= _buffer.Length)
            {
                // Large read: straight into the caller's memory (the Arrow reader's own buffer), no copy.
                int direct = await _stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
                if (direct == 0)
                {
                    ProtocolErrors.ThrowConnectionClosed("reading a data chunk");
                }

                return direct;
            }

            _start = 0;
            _end = 0;
            int read = await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                ProtocolErrors.ThrowConnectionClosed("reading a data chunk");
            }

            _end = read;
        }

        int count = Math.Min(Buffered, destination.Length);
        _buffer.AsMemory(_start, count).CopyTo(destination);
        _start += count;
        return count;
    }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes (buffered ones first).</summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, string what, CancellationToken cancellationToken)
    {
        int fromBuffer = Math.Min(Buffered, destination.Length);
        _buffer.AsMemory(_start, fromBuffer).CopyTo(destination);
        _start += fromBuffer;
        int done = fromBuffer;
        while (done < destination.Length)
        {
            int read = await _stream.ReadAsync(destination[done..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                ProtocolErrors.ThrowConnectionClosed(what);
            }

            done += read;
        }
    }

    /// <summary>Skips <paramref name="count"/> bytes (unread data of a chunk nobody wants).</summary>
    public async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (Buffered == 0)
            {
                await FillAsync(1, "skipping a data chunk", cancellationToken).ConfigureAwait(false);
            }

            int n = (int)Math.Min(Buffered, count);
            _start += n;
            count -= n;
        }
    }

    // Makes at least `count` (<= buffer length) bytes available, compacting first when they would not fit.
    private async ValueTask FillAsync(int count, string what, CancellationToken cancellationToken)
    {
        if (_start + count > _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, Buffered);
            _end -= _start;
            _start = 0;
        }

        while (Buffered < count)
        {
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                ProtocolErrors.ThrowConnectionClosed(what);
            }

            _end += read;
        }
    }
}
