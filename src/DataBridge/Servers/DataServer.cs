using System.Text.Json;
using DataBridge.Internal;
using DataBridge.Ipc;
using DataBridge.Protocol;

namespace DataBridge.Servers;

/// <summary>
/// Serves partitions of record batches to any process that has the server's token (docs/protocol.md,
/// section 3): Python through <c>data_manager_client.fetch</c>, Dask or Ray tasks included. A partition can
/// be fetched any number of times until the server closes (task retries re-read it), and a result can be
/// uploaded per partition: the first complete upload wins, later ones are dropped, counted
/// (<see cref="DuplicateUploads"/>) and logged. Uploads are bounded by <see cref="ServerOptions.MaxUploadBytes"/>
/// each and <see cref="ServerOptions.MaxTotalUploadBytes"/> together; one that passes a limit is refused.
/// </summary>
/// <remarks>
/// The server closes itself after <see cref="ServerOptions.ServerIdleTimeout"/> without a connection, and on
/// disposal. It reads the partitions' batches but does not own them: keep them alive (undisposed) while it
/// runs. Uploaded results are owned by the server and disposed with it.
/// </remarks>
public sealed class DataServer : IAsyncDisposable, IRequestHandler
{
    private readonly IReadOnlyList<IReadOnlyList<RecordBatch>> _partitions;
    private readonly long[] _rows;
    private readonly PartitionResult?[] _results;
    private readonly SecretToken _token = SecretToken.Create();
    private readonly ServerOptions _options;
    private readonly SocketServer _server;
    private readonly UploadQuota _uploads;
    private long _duplicates;
    private int _resultsDetached;

    // The bytes the stored results were charged (guarded by the lock on _results), given back on detach.
    private long _storedBytes;

    private DataServer(Schema schema, IReadOnlyList<IReadOnlyList<RecordBatch>> partitions, ServerOptions options)
    {
        Schema = schema;
        _partitions = partitions;
        _options = options;
        _rows = new long[partitions.Count];
        _uploads = new UploadQuota(options.MaxUploadBytes, options.MaxTotalUploadBytes);
        _results = new PartitionResult?[partitions.Count];
        for (int i = 0; i < partitions.Count; i++)
        {
            IReadOnlyList<RecordBatch> partition = partitions[i] ?? throw new ArgumentException($"Partition {i} is null.", nameof(partitions));
            foreach (RecordBatch batch in partition)
            {
                ArgumentNullException.ThrowIfNull(batch, nameof(partitions));
                if (!ArrowTypeEquality.Equal(batch.Schema, schema))
                {
                    throw new ArgumentException($"A batch of partition {i} does not have the server's schema.", nameof(partitions));
                }

                _rows[i] += batch.Length;
            }
        }

        Host = ServerEndpoints.AdvertisedHost(options);
        _server = new SocketServer("Data", this, _token.Ascii, options);
    }

    /// <summary>The host clients connect to (see <see cref="ServerOptions.AdvertisedHost"/>).</summary>
    public string Host { get; }

    /// <summary>The port the server listens on (chosen by the system).</summary>
    public int Port => _server.Port;

    /// <summary>
    /// The secret every connection must present (64 hex characters). Each server has its own, distinct from
    /// the bridge's worker token, so an endpoint shipped to remote tasks opens this server and nothing else.
    /// </summary>
    public string Token => _token.Hex;

    /// <summary>The schema of every partition.</summary>
    public Schema Schema { get; }

    /// <summary>The number of partitions served.</summary>
    public int PartitionCount => _partitions.Count;

    /// <summary>Completes when the server has closed (idle timeout or disposal).</summary>
    public Task Completion => _server.Completion;

    /// <summary>Whether the server is closing or closed.</summary>
    public bool IsClosed => _server.IsClosed;

    /// <summary>Uploads dropped because their partition already had a result (retried or speculative tasks).</summary>
    public long DuplicateUploads => Interlocked.Read(ref _duplicates);

    /// <summary>The partitions without an uploaded result yet, in order.</summary>
    public IReadOnlyList<int> MissingResults
    {
        get
        {
            var missing = new List<int>();
            for (int i = 0; i < _results.Length; i++)
            {
                if (Volatile.Read(ref _results[i]) is null)
                {
                    missing.Add(i);
                }
            }

            return missing;
        }
    }

    /// <summary>The socket layer (tests inspect its connections).</summary>
    internal SocketServer Socket => _server;

    /// <summary>The upload bytes held now: stored results plus uploads being received (tests check it).</summary>
    internal long UploadBytesHeld => _uploads.Held;

    /// <summary>Starts a server with one batch per partition.</summary>
    /// <param name="partitions">The partitions (at least one; all with one schema).</param>
    /// <param name="options">The settings, or null for the defaults; validated and copied.</param>
    /// <exception cref="ArgumentException">No partition, mixed schemas, or an invalid setting.</exception>
    public static DataServer Start(IReadOnlyList<RecordBatch> partitions, ServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        if (partitions.Count == 0)
        {
            throw new ArgumentException("At least one partition is needed (use the overload with a schema to serve empty partitions).", nameof(partitions));
        }

        ArgumentNullException.ThrowIfNull(partitions[0], nameof(partitions));
        return Start(partitions[0].Schema, [.. partitions.Select(b => (IReadOnlyList<RecordBatch>)[b])], options);
    }

    /// <summary>Starts a server with any number of batches per partition.</summary>
    /// <param name="schema">The schema of every batch (and of empty partitions).</param>
    /// <param name="partitions">The partitions, each a list of batches (possibly empty).</param>
    /// <param name="options">The settings, or null for the defaults; validated and copied.</param>
    /// <exception cref="ArgumentException">A batch with another schema, or an invalid setting.</exception>
    public static DataServer Start(Schema schema, IReadOnlyList<IReadOnlyList<RecordBatch>> partitions, ServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(partitions);
        options ??= new ServerOptions();
        options.Validate();
        var server = new DataServer(schema, partitions, options.Clone());
        server._server.Start();
        return server;
    }

    /// <summary>The result uploaded for <paramref name="partition"/>, or null when none arrived yet.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such partition.</exception>
    public PartitionResult? GetResult(int partition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, _results.Length);
        return Volatile.Read(ref _results[partition]);
    }

    /// <summary>Closes the server (dropping its connections, freeing its port) and disposes the uploaded results not detached.</summary>
    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        PartitionResult?[] owned;
        lock (_results)
        {
            owned = _resultsDetached == 0 ? [.. _results] : [];
            _resultsDetached = 1;
        }

        foreach (PartitionResult? result in owned)
        {
            DisposeAll(result?.Batches);
        }
    }

    /// <summary>The run-header entry <c>data_server</c>: <c>{"host", "port", "partitions", "token"}</c>.</summary>
    internal string EndpointJson() => ServerEndpoints.Json(Host, Port, Token, PartitionCount);

    /// <summary>Hands the uploaded results over to the caller, who disposes them from then on. Call after the server closed.</summary>
    internal PartitionResult?[] DetachResults()
    {
        lock (_results)
        {
            if (_resultsDetached == 0)
            {
                _uploads.Release(_storedBytes);
                _storedBytes = 0;
            }

            _resultsDetached = 1;
            return [.. _results];
        }
    }

    // First complete upload wins; after the results were detached nothing more is stored (a late upload then
    // counts as a duplicate). Under the lock so a detach never misses, or leaks, a result stored concurrently.
    // The result's bytes stay charged to the quota while it is stored.
    private bool TryStore(PartitionResult result, long bytes)
    {
        lock (_results)
        {
            if (_resultsDetached != 0 || _results[result.Partition] is not null)
            {
                return false;
            }

            Volatile.Write(ref _results[result.Partition], result);
            _storedBytes += bytes;
            return true;
        }
    }

    async ValueTask IRequestHandler.HandleAsync(ServerConnection connection, string op, JsonElement request, CancellationToken cancellationToken)
    {
        switch (op)
        {
            case "info":
                await SendInfoAsync(connection, cancellationToken).ConfigureAwait(false);
                break;
            case "fetch":
                await SendPartitionAsync(connection, PartitionOf(request), cancellationToken).ConfigureAwait(false);
                break;
            case "upload":
                await ReceiveUploadAsync(connection, PartitionOf(request), cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ServerRequestException($"Unknown op \"{Truncate(op)}\" (the data server knows info, fetch and upload).");
        }
    }

    // RESPONSE {"partitions": N, "rows": [...]}, the schema as an Arrow stream without batches, TRAILER(0, 0), END_OF_DATA.
    private async ValueTask SendInfoAsync(ServerConnection connection, CancellationToken cancellationToken)
    {
        await connection.WriteResponseAsync(
            json =>
            {
                json.WriteNumber("partitions", _partitions.Count);
                json.WriteStartArray("rows");
                foreach (long rows in _rows)
                {
                    json.WriteNumberValue(rows);
                }

                json.WriteEndArray();
            },
            cancellationToken).ConfigureAwait(false);
        await WriteStreamAsync(connection, [], new Trailer(0, 0), cancellationToken).ConfigureAwait(false);
    }

    // RESPONSE {"partition": i, "rows": r}, the partition as an Arrow stream, TRAILER(rows, batches), END_OF_DATA.
    private async ValueTask SendPartitionAsync(ServerConnection connection, int partition, CancellationToken cancellationToken)
    {
        IReadOnlyList<RecordBatch> batches = _partitions[partition];
        long rows = _rows[partition];
        await connection.WriteResponseAsync(
            json =>
            {
                json.WriteNumber("partition", partition);
                json.WriteNumber("rows", rows);
            },
            cancellationToken).ConfigureAwait(false);
        await WriteStreamAsync(connection, batches, new Trailer(rows, batches.Count), cancellationToken).ConfigureAwait(false);
        ServerLog.PartitionSent(_options.Logger, Port, partition, rows, connection.Remote);
    }

    private async ValueTask WriteStreamAsync(ServerConnection connection, IReadOnlyList<RecordBatch> batches, Trailer trailer, CancellationToken cancellationToken)
    {
        using (var data = new DataWriteStream(connection.Writer))
        {
            var writer = new ArrowIpcWriter(data, Schema, leaveOpen: true);
            await using (writer.ConfigureAwait(false))
            {
                foreach (RecordBatch batch in batches)
                {
                    await writer.WriteRecordBatchAsync(batch, cancellationToken).ConfigureAwait(false);
                }

                await writer.WriteEndAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await connection.Writer.WriteTrailerAsync(trailer, cancellationToken).ConfigureAwait(false);
        await connection.Writer.WriteControlAsync(FrameCode.EndOfData, cancellationToken).ConfigureAwait(false);
        await connection.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // The upload is read completely (and its trailer checked) before it can be stored: a truncated or
    // inconsistent upload never becomes a partition's result. Then the first complete upload wins. Every byte
    // read is charged to the upload quota as it arrives; passing a limit throws ServerRequestException from
    // inside the Arrow reader, so reading stops there, the batches read so far are disposed below, and the
    // socket layer sends the message as ERROR, logs it (event 505) and closes this connection only.
    private async ValueTask ReceiveUploadAsync(ServerConnection connection, int partition, CancellationToken cancellationToken)
    {
        var stream = new DataChunkReadStream(connection.Reader, $"the upload of partition {partition}", _uploads);
        var batches = new List<RecordBatch>();
        bool stored = false;
        bool released = false;
        try
        {
            Schema schema;
            long rows = 0;
            var reader = new ArrowIpcReader(stream, leaveOpen: true);
            await using (reader.ConfigureAwait(false))
            {
                schema = await reader.ReadSchemaAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
                {
                    batches.Add(batch);
                    rows += batch.Length;
                }
            }

            await stream.FinishAsync(rows, batches.Count, cancellationToken).ConfigureAwait(false);
            var result = new PartitionResult(partition, schema, batches, rows);
            stored = TryStore(result, stream.Received);
            if (stored)
            {
                ServerLog.ResultAccepted(_options.Logger, Port, partition, rows, connection.Remote);
            }
            else
            {
                ServerLog.DuplicateResult(_options.Logger, Port, partition, connection.Remote, Interlocked.Increment(ref _duplicates));

                // A duplicate's memory and quota are given back before the client hears the answer, so that what
                // it sees next (and UploadBytesHeld) already reflects it.
                DisposeAll(batches);
                batches.Clear();
                _uploads.Release(stream.Received);
                released = true;
            }

            await connection.WriteResponseAsync(
                json =>
                {
                    json.WriteNumber("partition", partition);
                    json.WriteBoolean("accepted", stored);
                    if (!stored)
                    {
                        json.WriteBoolean("duplicate", true);
                    }
                },
                cancellationToken).ConfigureAwait(false);
            await connection.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!stored && !released)
            {
                DisposeAll(batches);
                _uploads.Release(stream.Received);
            }
        }
    }

    private int PartitionOf(JsonElement request)
    {
        if (!request.TryGetProperty("partition", out JsonElement value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int partition))
        {
            throw new ServerRequestException("Malformed request: \"partition\" must be an integer.");
        }

        if ((uint)partition >= (uint)_partitions.Count)
        {
            throw new ServerRequestException($"Partition {partition} does not exist: the server has {_partitions.Count} partitions.");
        }

        return partition;
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static void DisposeAll(IReadOnlyList<RecordBatch>? batches)
    {
        if (batches is null)
        {
            return;
        }

        foreach (RecordBatch batch in batches)
        {
            batch.Dispose();
        }
    }
}
