namespace DataBridge.Ipc;

/// <summary>
/// Messages from a <see cref="Stream"/>. Metadata goes to a reused buffer; each body goes to memory the
/// resulting batch owns (from <see cref="BodyBufferPool"/> for record batches, plain arrays for dictionaries, which
/// outlive batches).
/// </summary>
/// <remarks>
/// A length read from the input is never trusted to size an allocation: on a seekable stream it is first
/// checked against the bytes left; otherwise at most 16 MiB is allocated up front and the buffer grows (doubling)
/// only as bytes actually arrive, so a hostile length costs at most 16 MiB or twice the bytes really sent.
/// </remarks>
internal sealed class StreamMessageSource : MessageSource
{
    /// <summary>
    /// Largest allocation made before the bytes are known to exist on a non-seekable stream (a socket): big
    /// enough that typical batches arrive in one read into one buffer, small enough that a hostile length
    /// costs little. Larger bodies grow from here by doubling as their bytes arrive.
    /// </summary>
    private const int UncheckedChunk = 16 << 20;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _prefix = new byte[8];
    private byte[] _metadata = new byte[4096];

    public StreamMessageSource(Stream stream, ArrowIpcReaderOptions options, bool leaveOpen)
        : base(options)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    protected override Memory<byte> PrefixBuffer => _prefix;

    public override async ValueTask<MessageBody> ReadBodyAsync(bool async, long length, bool pooled, int messageIndex, CancellationToken cancellationToken)
    {
        if (length == 0)
        {
            return new MessageBody(ReadOnlyMemory<byte>.Empty, null);
        }

        if (length > Array.MaxLength)
        {
            throw new ArrowFormatException($"Message {messageIndex}: a body of {length} bytes exceeds what one message may hold.");
        }

        CheckRemaining(length, messageIndex, "body");
        (byte[] array, bool isPooled) = await ReadBlockAsync(async, (int)length, pooled, messageIndex, "body", cancellationToken).ConfigureAwait(false);
        return new MessageBody(array.AsMemory(0, (int)length), isPooled ? new PooledArray(array) : null);
    }

    public override void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    protected override async ValueTask<int> ReadAvailableAsync(bool async, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = async
                ? await _stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false)
                : _stream.Read(buffer.Span[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    protected override async ValueTask<ReadOnlyMemory<byte>> ReadMetadataBytesAsync(bool async, int size, int messageIndex, CancellationToken cancellationToken)
    {
        CheckRemaining(size, messageIndex, "metadata");
        if (size <= _metadata.Length)
        {
            int read = await ReadAvailableAsync(async, _metadata.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
            return read == size ? _metadata.AsMemory(0, size) : throw Truncated(messageIndex, "metadata");
        }

        (byte[] array, _) = await ReadBlockAsync(async, size, false, messageIndex, "metadata", cancellationToken).ConfigureAwait(false);
        _metadata = array;
        return array.AsMemory(0, size);
    }

    private void CheckRemaining(long length, int messageIndex, string what)
    {
        if (_stream.CanSeek && length > _stream.Length - _stream.Position)
        {
            throw new ArrowFormatException($"Message {messageIndex}: the {what} of {length} bytes runs past the end of the input ({_stream.Length - _stream.Position} bytes left).");
        }
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes into a new (or rented) array, growing it as bytes arrive.</summary>
    private async ValueTask<(byte[] Array, bool Pooled)> ReadBlockAsync(bool async, int length, bool pooled, int messageIndex, string what, CancellationToken cancellationToken)
    {
        int capacity = _stream.CanSeek ? length : Math.Min(length, UncheckedChunk);
        byte[] array = Allocate(capacity, pooled);
        int filled = 0;
        try
        {
            while (true)
            {
                int want = Math.Min(length, array.Length) - filled;
                int read = await ReadAvailableAsync(async, array.AsMemory(filled, want), cancellationToken).ConfigureAwait(false);
                filled += read;
                if (read < want)
                {
                    throw Truncated(messageIndex, what);
                }

                if (filled == length)
                {
                    return (array, pooled);
                }

                byte[] bigger = Allocate((int)Math.Min(length, (long)array.Length * 2), pooled);
                array.AsSpan(0, filled).CopyTo(bigger);
                Release(array, pooled);
                array = bigger;
            }
        }
        catch
        {
            Release(array, pooled);
            throw;
        }
    }

    private static byte[] Allocate(int length, bool pooled) =>
        pooled ? BodyBufferPool.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    private static void Release(byte[] array, bool pooled)
    {
        if (pooled)
        {
            BodyBufferPool.Shared.Return(array);
        }
    }

    /// <summary>Returns a rented body to the pool when the batch that owns it is disposed.</summary>
    private sealed class PooledArray(byte[] array) : IDisposable
    {
        private byte[]? _array = array;

        public void Dispose()
        {
            byte[]? array = Interlocked.Exchange(ref _array, null);
            if (array is not null)
            {
                BodyBufferPool.Shared.Return(array);
            }
        }
    }
}
