namespace DataBridge.Servers;

/// <summary>
/// The socket stream of a <see cref="ServerConnection"/>, which re-arms the connection's deadline before each
/// read or write while data flows (<see cref="ServerConnection.ResetOnProgress"/>), so a large transfer that
/// keeps moving is never cut while one that stalls for <c>ClientTimeout</c> is.
/// </summary>
internal sealed class DeadlineStream : Stream
{
    private readonly Stream _inner;
    private readonly ServerConnection _owner;

    public DeadlineStream(Stream inner, ServerConnection owner)
    {
        _inner = inner;
        _owner = owner;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _owner.OnProgress();
        return _inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _owner.OnProgress();
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    // The servers are asynchronous throughout; the blocking forms exist only because Stream requires them.
    public override int Read(byte[] buffer, int offset, int count)
    {
        _owner.OnProgress();
        return _inner.Read(buffer, offset, count);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        _owner.OnProgress();
        _inner.Write(buffer, offset, count);
    }

    public override void Flush() => _inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
