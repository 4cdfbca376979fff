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
internal sealed class DataChunkReadStream : ChunkedReadStream
{
    private readonly string _what;
    private readonly UploadQuota? _quota;

    /// <summary>Creates the stream.</summary>
    /// <param name="reader">The connection's reader, positioned at the first data chunk.</param>
    /// <param name="what">Names the stream in error messages ("the upload of partition 3").</param>
    /// <param name="quota">Charged with every byte read (an upload), or null for no limit.</param>
    public DataChunkReadStream(FrameReader reader, string what, UploadQuota? quota = null)
        : base(reader)
    {
        _what = what;
        _quota = quota;
    }

    /// <summary>The bytes of the Arrow stream read so far (charged to the quota, if any).</summary>
    public long Received { get; private set; }

    /// <inheritdoc />
    protected override string Subject => _what;

    /// <inheritdoc />
    /// <remarks>
    /// With a quota, no read goes more than one byte past its per-upload limit, and a read that passes a limit
    /// throws <see cref="ServerRequestException"/> before its bytes are returned: the Arrow reader never
    /// holds them, and the caller drops what it received before.
    /// </remarks>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_quota is null)
        {
            int plain = await base.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Received += plain;
            return plain;
        }

        int read = await base.ReadAsync(buffer[.._quota.Allowance(Received, buffer.Length)], cancellationToken).ConfigureAwait(false);
        _quota.Charge(Received, read, _what);
        Received += read;
        return read;
    }

    /// <inheritdoc />
    protected override ValueTask OnControlAsync(int code, CancellationToken cancellationToken) => ThrowControlAsync(code, cancellationToken);

    /// <summary>
    /// After the Arrow reader reached the end of its stream with <paramref name="rows"/> rows in
    /// <paramref name="batches"/> batches: requires nothing but the trailer after it, matching counts, then
    /// <c>END_OF_DATA</c>. Truncation and padding are never silent.
    /// </summary>
    public async ValueTask FinishAsync(long rows, long batches, CancellationToken cancellationToken)
    {
        await CheckTrailerAsync(rows, batches, cancellationToken).ConfigureAwait(false);
        int last = await Reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
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

    private ValueTask ThrowControlAsync(int prefix, CancellationToken cancellationToken) =>
        ThrowControlAsync(Reader, prefix, "in " + _what, cancellationToken);

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
