namespace DataBridge.Ipc;

/// <summary>Messages from caller memory: metadata and bodies are slices of it, never copies.</summary>
internal sealed class MemoryMessageSource : MessageSource
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly byte[] _prefix = new byte[8];
    private int _position;

    public MemoryMessageSource(ReadOnlyMemory<byte> data, ArrowIpcReaderOptions options)
        : base(options) => _data = data;

    protected override Memory<byte> PrefixBuffer => _prefix;

    public override ValueTask<MessageBody> ReadBodyAsync(bool async, long length, bool pooled, int messageIndex, CancellationToken cancellationToken)
    {
        if (length > _data.Length - _position)
        {
            throw new ArrowFormatException($"Message {messageIndex}: the body of {length} bytes runs past the end of the input ({_data.Length - _position} bytes left).");
        }

        ReadOnlyMemory<byte> body = _data.Slice(_position, (int)length);
        _position += (int)length;
        return new(new MessageBody(body, null));
    }

    public override void Dispose()
    {
    }

    protected override ValueTask<int> ReadAvailableAsync(bool async, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int count = Math.Min(buffer.Length, _data.Length - _position);
        _data.Span.Slice(_position, count).CopyTo(buffer.Span);
        _position += count;
        return new(count);
    }

    protected override ValueTask<ReadOnlyMemory<byte>> ReadMetadataBytesAsync(bool async, int size, int messageIndex, CancellationToken cancellationToken)
    {
        if (size > _data.Length - _position)
        {
            throw new ArrowFormatException($"Message {messageIndex}: the metadata of {size} bytes runs past the end of the input ({_data.Length - _position} bytes left).");
        }

        ReadOnlyMemory<byte> metadata = _data.Slice(_position, size);
        _position += size;
        return new(metadata);
    }
}
