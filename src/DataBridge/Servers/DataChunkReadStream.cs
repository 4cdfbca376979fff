using System.Text;
using System.Text.Json;
using DataBridge.Protocol;

namespace DataBridge.Servers;

/// <summary>
/// An Arrow stream received through a server connection (an upload, or a client reading a fetch): the data
/// chunks of section 2.2, concatenated, up to the <c>TRAILER</c>; then <see cref="FinishAsync"/> checks the
/// trailer against what the Arrow reader saw and reads <c>END_OF_DATA</c>. Unlike a worker run's output there
/// are no LOG, TIMING or END_OF_STREAM frames here; an <c>ERROR</c> frame is thrown as
/// <see cref="DataBridgeException"/> with the peer's message, any other control frame is a protocol error.
/// </summary>
/// <remarks>
/// A chunk's declared length only bounds how much is read into the caller's buffer; nothing is allocated by
/// it, so a hostile length costs nothing but the bytes actually sent.
/// </remarks>
internal sealed class DataChunkReadStream : Stream
{
    private readonly FrameReader _reader;
    private readonly string _what;
    private long _chunkRemaining;
    private bool _dataEnded;

    /// <summary>Creates the stream.</summary>
    /// <param name="reader">The connection's reader, positioned at the first data chunk.</param>
    /// <param name="what">Names the stream in error messages ("the upload of partition 3").</param>
    public DataChunkReadStream(FrameReader reader, string what)
    {
        _reader = reader;
        _what = what;
    }

    /// <summary>The trailer, once read.</summary>
    public Trailer? Trailer { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_chunkRemaining == 0)
        {
            if (_dataEnded)
            {
                return 0;
            }

            int prefix = await _reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
            if (prefix >= 0)
            {
                _chunkRemaining = prefix;
            }
            else if (prefix == FrameCode.Trailer)
            {
                Trailer = await _reader.ReadTrailerBodyAsync(cancellationToken).ConfigureAwait(false);
                _dataEnded = true;
            }
            else
            {
                await ThrowControlAsync(prefix, cancellationToken).ConfigureAwait(false);
            }
        }

        int want = (int)Math.Min(_chunkRemaining, buffer.Length);
        int read = await _reader.ReadDataAsync(buffer[..want], cancellationToken).ConfigureAwait(false);
        _chunkRemaining -= read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // The Arrow reader is used asynchronously here; the blocking form exists because Stream requires it.
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// After the Arrow reader reached the end of its stream with <paramref name="rows"/> rows in
    /// <paramref name="batches"/> batches: requires nothing but the trailer after it, matching counts, then
    /// <c>END_OF_DATA</c>. Truncation and padding are never silent.
    /// </summary>
    public async ValueTask FinishAsync(long rows, long batches, CancellationToken cancellationToken)
    {
        byte[]? scratch = null;
        while (!_dataEnded || _chunkRemaining > 0)
        {
            scratch ??= new byte[256];
            if (await ReadAsync(scratch, cancellationToken).ConfigureAwait(false) > 0)
            {
                throw new DataBridgeException($"Protocol error: {_what} holds data after the end of its Arrow stream.");
            }
        }

        if (Trailer is not { } trailer)
        {
            throw new DataBridgeException($"Protocol error: {_what} ended without a TRAILER frame.");
        }

        if (trailer.Rows != rows || trailer.Batches != batches)
        {
            throw new DataBridgeException(
                $"Protocol error: the trailer of {_what} announces {trailer.Rows} rows in {trailer.Batches} batches, but the stream held {rows} rows in {batches} batches.");
        }

        int last = await _reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
        if (last != FrameCode.EndOfData)
        {
            await ThrowControlAsync(last, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Throws for a frame that may not appear in a data stream: the peer's message for ERROR, a protocol error otherwise.</summary>
    internal static async ValueTask ThrowControlAsync(FrameReader reader, int prefix, string context, CancellationToken cancellationToken)
    {
        if (prefix == FrameCode.Error)
        {
            ReadOnlyMemory<byte> payload = await reader.ReadPayloadAsync(prefix, ProtocolConstants.MaxControlFrameBytes, cancellationToken).ConfigureAwait(false);
            throw new DataBridgeException("The server reported an error: " + ErrorMessage(payload));
        }

        ProtocolErrors.ThrowUnexpectedFrame(prefix, context);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private ValueTask ThrowControlAsync(int prefix, CancellationToken cancellationToken) =>
        ThrowControlAsync(_reader, prefix, "in " + _what, cancellationToken);

    private static string ErrorMessage(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(payload);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String
                ? m.GetString() ?? string.Empty
                : Encoding.UTF8.GetString(payload.Span);
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(payload.Span);
        }
    }
}
