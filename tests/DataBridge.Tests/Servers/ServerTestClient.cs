using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DataBridge.Ipc;
using DataBridge.Protocol;
using DataBridge.Servers;

namespace DataBridge.Tests.Servers;

/// <summary>
/// A C# client of the data and model servers (docs/protocol.md, section 3), written from the document with
/// the SDK's frame reader and writer. Server ERROR frames surface as <see cref="DataBridgeException"/> whose
/// message starts with "The server reported an error".
/// </summary>
internal sealed class ServerTestClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;

    private ServerTestClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        Stream = stream;
        Reader = new FrameReader(stream, 64 * 1024);
        Writer = new FrameWriter(stream, 64 * 1024);
    }

    public Stream Stream { get; }

    public FrameReader Reader { get; }

    public FrameWriter Writer { get; }

    /// <summary>Connects without a handshake (hostile tests write what they like).</summary>
    public static async Task<ServerTestClient> ConnectRawAsync(int port, CancellationToken cancellationToken = default)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        return new ServerTestClient(tcp, tcp.GetStream());
    }

    /// <summary>Connects through a stream (a corrupting proxy, say).</summary>
    public static async Task<ServerTestClient> ConnectAsync(int port, string? token, CancellationToken cancellationToken = default)
    {
        ServerTestClient client = await ConnectRawAsync(port, cancellationToken);
        try
        {
            await client.HandshakeAsync(token, cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends the handshake; throws <see cref="ConnectionClosedException"/> when the server closes instead of answering.</summary>
    public async Task HandshakeAsync(string? token, CancellationToken cancellationToken = default)
    {
        byte[] ascii = Encoding.ASCII.GetBytes(token ?? string.Empty);
        await Writer.WriteRawAsync("DBRG"u8.ToArray(), cancellationToken);
        await Writer.WriteInt32Async(ProtocolConstants.Version, cancellationToken);
        await Writer.WriteInt32Async(ascii.Length, cancellationToken);
        await Writer.WriteRawAsync(ascii, cancellationToken);
        await Writer.FlushAsync(cancellationToken);
        byte[] answer = new byte[12];
        await Reader.ReadExactlyAsync(answer, "reading the handshake answer", cancellationToken);
        Assert.That(Encoding.ASCII.GetString(answer, 0, 4), Is.EqualTo("DBRG"));
        Assert.That(BitConverter.ToInt32(answer, 4), Is.EqualTo(ProtocolConstants.Version));
        Assert.That(BitConverter.ToInt32(answer, 8), Is.Zero);
    }

    /// <summary>Sends a REQUEST frame.</summary>
    public async Task SendRequestAsync(string json, CancellationToken cancellationToken = default)
    {
        await Writer.WritePayloadFrameAsync(FrameCode.Request, Encoding.UTF8.GetBytes(json), cancellationToken);
        await Writer.FlushAsync(cancellationToken);
    }

    /// <summary>Reads a RESPONSE (an ERROR throws).</summary>
    public async Task<JsonElement> ReadResponseAsync(CancellationToken cancellationToken = default)
    {
        int prefix = await Reader.ReadPrefixAsync(cancellationToken);
        if (prefix != FrameCode.Response)
        {
            await DataChunkReadStream.ThrowControlAsync(Reader, prefix, "where a RESPONSE was expected", cancellationToken);
        }

        ReadOnlyMemory<byte> payload = await Reader.ReadPayloadAsync(prefix, ProtocolConstants.MaxControlFrameBytes, cancellationToken);
        using JsonDocument doc = JsonDocument.Parse(payload);
        return doc.RootElement.Clone();
    }

    public async Task<JsonElement> RequestAsync(string json, CancellationToken cancellationToken = default)
    {
        await SendRequestAsync(json, cancellationToken);
        return await ReadResponseAsync(cancellationToken);
    }

    /// <summary>Reads an Arrow stream (data chunks, TRAILER, END_OF_DATA) into batches.</summary>
    public async Task<(Schema Schema, List<RecordBatch> Batches)> ReadArrowAsync(CancellationToken cancellationToken = default)
    {
        var stream = new DataChunkReadStream(Reader, "the server's stream");
        var batches = new List<RecordBatch>();
        using var reader = new ArrowIpcReader(stream, leaveOpen: true);
        Schema schema = await reader.ReadSchemaAsync(cancellationToken);
        long rows = 0;
        while (await reader.ReadNextRecordBatchAsync(cancellationToken) is { } batch)
        {
            batches.Add(batch);
            rows += batch.Length;
        }

        await stream.FinishAsync(rows, batches.Count, cancellationToken);
        return (schema, batches);
    }

    public async Task<(JsonElement Response, Schema Schema, List<RecordBatch> Batches)> FetchAsync(int partition, CancellationToken cancellationToken = default)
    {
        JsonElement response = await RequestAsync($"{{\"op\": \"fetch\", \"partition\": {partition}}}", cancellationToken);
        (Schema schema, List<RecordBatch> batches) = await ReadArrowAsync(cancellationToken);
        return (response, schema, batches);
    }

    /// <summary>Uploads batches for a partition; <paramref name="trailer"/> overrides the true counts (to lie).</summary>
    public async Task<JsonElement> UploadAsync(int partition, Schema schema, IEnumerable<RecordBatch> batches, Trailer? trailer = null, CancellationToken cancellationToken = default)
    {
        await SendRequestAsync($"{{\"op\": \"upload\", \"partition\": {partition}}}", cancellationToken);
        long rows = 0;
        long count = 0;
        using (var data = new DataWriteStream(Writer))
        {
            await using var writer = new ArrowIpcWriter(data, schema, leaveOpen: true);
            foreach (RecordBatch batch in batches)
            {
                await writer.WriteRecordBatchAsync(batch, cancellationToken);
                rows += batch.Length;
                count++;
            }

            await writer.WriteEndAsync(cancellationToken);
        }

        await Writer.WriteTrailerAsync(trailer ?? new Trailer(rows, count), cancellationToken);
        await Writer.WriteControlAsync(FrameCode.EndOfData, cancellationToken);
        await Writer.FlushAsync(cancellationToken);
        return await ReadResponseAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ModelFile>> ManifestAsync(CancellationToken cancellationToken = default)
    {
        JsonElement response = await RequestAsync("{\"op\": \"manifest\"}", cancellationToken);
        return [.. response.GetProperty("files").EnumerateArray().Select(f => new ModelFile(f.GetProperty("path").GetString()!, f.GetProperty("size").GetInt64(), f.GetProperty("sha256").GetString()!))];
    }

    /// <summary>Downloads one file into <paramref name="target"/>, verifying the size and SHA-256 announced; a mismatch throws <see cref="InvalidDataException"/>.</summary>
    public async Task DownloadAsync(string path, Stream target, CancellationToken cancellationToken = default)
    {
        JsonElement response = await RequestAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["op"] = "file", ["path"] = path }), cancellationToken);
        long size = response.GetProperty("size").GetInt64();
        string sha = response.GetProperty("sha256").GetString()!;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[128 * 1024];
        long received = 0;
        while (true)
        {
            int prefix = await Reader.ReadPrefixAsync(cancellationToken);
            if (prefix == FrameCode.EndOfData)
            {
                break;
            }

            if (prefix < 0)
            {
                await DataChunkReadStream.ThrowControlAsync(Reader, prefix, "in a file", cancellationToken);
            }

            long remaining = prefix;
            while (remaining > 0)
            {
                int read = await Reader.ReadDataAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                remaining -= read;
                received += read;
            }
        }

        string actual = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        if (received != size || actual != sha)
        {
            throw new InvalidDataException($"{path}: received {received} bytes with SHA-256 {actual}, expected {size} bytes with {sha}.");
        }
    }

    /// <summary>
    /// Reads until the server closes the connection and returns the number of bytes it sent before closing, or
    /// -1 when it did not close within <paramref name="within"/>.
    /// </summary>
    public async Task<int> BytesUntilClosedAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        byte[] buffer = new byte[4096];
        int total = Reader.Buffered;
        try
        {
            while (true)
            {
                int read = await Stream.ReadAsync(buffer, cts.Token);
                if (read == 0)
                {
                    return total;
                }

                total += read;
            }
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
        catch (IOException)
        {
            return total;
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
