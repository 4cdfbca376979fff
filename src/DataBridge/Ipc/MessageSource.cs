using System.Buffers.Binary;

namespace DataBridge.Ipc;

/// <summary>
/// Splits an IPC stream into encapsulated messages. Subclasses supply the bytes (a <see cref="Stream"/> or
/// caller memory); the prefix rules live here so both agree:
/// <c>0xFFFFFFFF, int32 size</c> (size 0 = end of stream), or the legacy <c>int32 size</c> (&gt; 0; 0 = end of
/// stream); any other negative value is an error. A clean end of input is accepted only where a message
/// would start. Sync and async callers share one implementation: only the I/O branches on <c>async</c>.
/// </summary>
/// <remarks>
/// The Arrow file format (<c>.arrow</c>, Feather v2) is the stream format between the 8 bytes
/// <c>ARROW1\0\0</c> and a footer: a source that starts with that magic skips it and reads the messages in
/// order, and ends at the end-of-stream marker or at the footer (the first prefix that is not a continuation
/// marker: file writers always write them). The footer's index of blocks is not needed for a sequential read.
/// </remarks>
internal abstract class MessageSource : IDisposable
{
    private static ReadOnlySpan<byte> FileMagic => "ARROW1\0\0"u8;

    private bool _ended;
    private bool _started;

    protected MessageSource(ArrowIpcReaderOptions options) => Options = options;

    protected ArrowIpcReaderOptions Options { get; }

    /// <summary>Whether the input is in the Arrow file format (it started with the <c>ARROW1</c> magic).</summary>
    public bool IsFileFormat { get; private set; }

    /// <summary>The metadata flatbuffer of the message last read; valid until the next read.</summary>
    public ReadOnlyMemory<byte> Metadata { get; protected set; }

    /// <summary>Reads the next message's prefix and metadata; false at the end of the stream.</summary>
    public async ValueTask<bool> ReadMetadataAsync(bool async, int messageIndex, CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return false;
        }

        Memory<byte> prefix = PrefixBuffer;
        int read = await ReadAvailableAsync(async, prefix[..4], cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _ended = true;
            return false;
        }

        if (read < 4)
        {
            throw Truncated(messageIndex, "message length prefix");
        }

        if (!_started)
        {
            _started = true;
            if (prefix.Span[..4].SequenceEqual(FileMagic[..4]))
            {
                read = await ReadAvailableAsync(async, prefix[4..8], cancellationToken).ConfigureAwait(false);
                if (read < 4 || !prefix.Span[..8].SequenceEqual(FileMagic))
                {
                    throw new ArrowFormatException("The input starts like an Arrow file (ARRO) but not with its magic 'ARROW1' and padding.");
                }

                IsFileFormat = true;
                return await ReadMetadataAsync(async, messageIndex, cancellationToken).ConfigureAwait(false);
            }
        }

        int size = BinaryPrimitives.ReadInt32LittleEndian(prefix.Span);
        if (IsFileFormat && size != -1)
        {
            // The footer of a file whose writer wrote no end-of-stream marker: the messages are over.
            _ended = true;
            return false;
        }

        if (size == -1)
        {
            read = await ReadAvailableAsync(async, prefix[..4], cancellationToken).ConfigureAwait(false);
            if (read < 4)
            {
                throw Truncated(messageIndex, "message length after the continuation marker");
            }

            size = BinaryPrimitives.ReadInt32LittleEndian(prefix.Span);
        }

        if (size == 0)
        {
            _ended = true;
            return false;
        }

        if (size < 0)
        {
            throw new ArrowFormatException($"Message {messageIndex}: invalid metadata length {size}.");
        }

        if (size > Options.MaxMetadataSize)
        {
            throw new ArrowFormatException($"Message {messageIndex}: metadata length {size} exceeds the limit of {Options.MaxMetadataSize} bytes.");
        }

        Metadata = await ReadMetadataBytesAsync(async, size, messageIndex, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Reads a message body of <paramref name="length"/> bytes (already checked non-negative).</summary>
    /// <param name="async">Whether to use asynchronous I/O.</param>
    /// <param name="length">Body length from the Message table.</param>
    /// <param name="pooled">Whether the body may live in pooled memory returned when its owner is disposed.</param>
    /// <param name="messageIndex">For error messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public abstract ValueTask<MessageBody> ReadBodyAsync(bool async, long length, bool pooled, int messageIndex, CancellationToken cancellationToken);

    public abstract void Dispose();

    protected static ArrowFormatException Truncated(int messageIndex, string what) =>
        new($"Message {messageIndex}: the input ends inside the {what}.");

    /// <summary>An 8-byte scratch buffer for prefixes.</summary>
    protected abstract Memory<byte> PrefixBuffer { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes, fewer only at the end of input; returns the count.</summary>
    protected abstract ValueTask<int> ReadAvailableAsync(bool async, Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Reads exactly <paramref name="size"/> metadata bytes or throws.</summary>
    protected abstract ValueTask<ReadOnlyMemory<byte>> ReadMetadataBytesAsync(bool async, int size, int messageIndex, CancellationToken cancellationToken);
}
