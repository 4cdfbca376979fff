using System.Runtime.CompilerServices;

namespace DataBridge.Ipc;

/// <summary>
/// Reads an Arrow IPC stream — from any Arrow writer — from a <see cref="Stream"/> or from memory.
/// </summary>
/// <remarks>
/// <para>Accepts metadata V4 and V5, the 8-byte and the legacy pre-0.15 framing, an end-of-stream marker or
/// a plain end of input (at a message boundary), omitted flatbuffer defaults, present or omitted validity
/// bitmaps, padded or exact buffer lengths, offsets that do not start at 0, and dictionary batches
/// (replacements, deltas, shared ids, nested dictionaries).</para>
/// <para>Input is untrusted: every length, offset and count is checked against what the input holds before
/// it is used, and malformed input raises <see cref="ArrowFormatException"/> naming the message, field and
/// buffer. Well-formed input that uses an unsupported feature (compressed or big-endian bodies, view types,
/// run-end encoding, tensors) raises <see cref="UnsupportedArrowFeatureException"/>.</para>
/// <para>Memory: reading from <see cref="ReadOnlyMemory{T}"/> copies nothing (buffers are slices of the input,
/// which must outlive the batches). Reading from a stream puts each batch's body in pooled memory that the
/// batch owns: dispose the batch to return it. Sync and async methods share one implementation. The reader is
/// not thread-safe.</para>
/// </remarks>
public sealed class ArrowIpcReader : Apache.Arrow.Ipc.IArrowArrayStream, IAsyncDisposable
{
    private readonly MessageSource _source;
    private readonly long _maxDecompressed;
    private Schema? _schema;
    private DictionaryMemo? _dictionaries;
    private int _messageIndex;
    private bool _finished;
    private bool _disposed;

    /// <summary>Creates a reader over a stream.</summary>
    /// <param name="stream">The source, positioned at the start of the IPC stream.</param>
    /// <param name="options">Options, or null for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="stream"/> open.</param>
    public ArrowIpcReader(Stream stream, ArrowIpcReaderOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _source = new StreamMessageSource(stream, options ?? ArrowIpcReaderOptions.Default, leaveOpen);
        _maxDecompressed = (options ?? ArrowIpcReaderOptions.Default).MaxDecompressedBodySize;
    }

    /// <summary>Creates a reader over bytes in memory; batches reference <paramref name="data"/> without copying it.</summary>
    public ArrowIpcReader(ReadOnlyMemory<byte> data, ArrowIpcReaderOptions? options = null)
    {
        _source = new MemoryMessageSource(data, options ?? ArrowIpcReaderOptions.Default);
        _maxDecompressed = (options ?? ArrowIpcReaderOptions.Default).MaxDecompressedBodySize;
    }

    /// <summary>The stream's schema; reads the schema message on first access.</summary>
    /// <exception cref="ArrowFormatException">The stream does not start with a valid schema message.</exception>
    public Schema Schema => _schema ?? ReadSchemaCore(false, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The custom metadata of the RecordBatch message most recently returned (empty when it had none); each batch also carries its own (<see cref="RecordBatchMetadata.GetCustomMetadata"/>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> LastBatchMetadata { get; private set; } = [];

    /// <summary>Whether the input is an Arrow file (<c>.arrow</c>, Feather v2) rather than a stream; known once the schema is read.</summary>
    public bool IsFileFormat => _source.IsFileFormat;

    /// <summary>Reads the schema message if not yet read and returns the schema.</summary>
    public ValueTask<Schema> ReadSchemaAsync(CancellationToken cancellationToken = default) =>
        _schema is not null ? new(_schema) : ReadSchemaCore(true, cancellationToken);

    /// <summary>Reads the next record batch, or returns null at the end of the stream.</summary>
    public RecordBatch? ReadNextRecordBatch() => ReadNextCore(false, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Reads the next record batch, or returns null at the end of the stream.</summary>
    public ValueTask<RecordBatch?> ReadNextRecordBatchAsync(CancellationToken cancellationToken = default) => ReadNextCore(true, cancellationToken);

    /// <summary>Enumerates the remaining record batches (the caller disposes each).</summary>
    public IEnumerable<RecordBatch> ReadRecordBatches()
    {
        while (ReadNextRecordBatch() is { } batch)
        {
            yield return batch;
        }
    }

    /// <summary>Enumerates the remaining record batches asynchronously (the caller disposes each).</summary>
    public async IAsyncEnumerable<RecordBatch> ReadRecordBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
        {
            yield return batch;
        }
    }

    /// <summary>Releases the stream unless the reader was created with leaveOpen. Batches already returned stay valid.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _source.Dispose();
        }
    }

    /// <summary>Releases the stream unless the reader was created with leaveOpen.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask<Schema> ReadSchemaCore(bool async, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_schema is not null)
        {
            return _schema;
        }

        if (!await _source.ReadMetadataAsync(async, _messageIndex, cancellationToken).ConfigureAwait(false))
        {
            throw new ArrowFormatException("The stream ends before its schema message.");
        }

        IpcMessage message = IpcMessage.Decode(_source.Metadata, _messageIndex);
        if (message.HeaderType != MessageHeaderType.Schema)
        {
            throw new ArrowFormatException($"Message {_messageIndex}: the stream starts with a {message.HeaderType} message instead of a schema.");
        }

        Schema schema = MetadataDecoder.DecodeSchema(message.Header, _messageIndex, out Dictionary<Field, long> dictionaryIds);
        var dictionaries = new DictionaryMemo(schema, dictionaryIds);
        await SkipBodyAsync(async, message.BodyLength, cancellationToken).ConfigureAwait(false);
        _messageIndex++;
        _dictionaries = dictionaries;
        _schema = schema;
        return schema;
    }

    private async ValueTask<RecordBatch?> ReadNextCore(bool async, CancellationToken cancellationToken)
    {
        Schema schema = _schema ?? await ReadSchemaCore(async, cancellationToken).ConfigureAwait(false);
        while (!_finished)
        {
            int index = _messageIndex;
            if (!await _source.ReadMetadataAsync(async, index, cancellationToken).ConfigureAwait(false))
            {
                _finished = true;
                break;
            }

            IpcMessage message = IpcMessage.Decode(_source.Metadata, index);
            switch (message.HeaderType)
            {
                case MessageHeaderType.DictionaryBatch:
                {
                    MessageBody body = await _source.ReadBodyAsync(async, message.BodyLength, false, index, cancellationToken).ConfigureAwait(false);
                    LoadDictionary(message, body.Memory, index);
                    _messageIndex++;
                    continue;
                }

                case MessageHeaderType.RecordBatch:
                {
                    MessageBody body = await _source.ReadBodyAsync(async, message.BodyLength, true, index, cancellationToken).ConfigureAwait(false);
                    RecordBatch batch;
                    try
                    {
                        batch = LoadRecordBatch(schema, message, body, index);
                    }
                    catch
                    {
                        body.Owner?.Dispose();
                        throw;
                    }

                    _messageIndex++;
                    return batch;
                }

                default:
                    throw new ArrowFormatException($"Message {index}: a second schema message in the stream.");
            }
        }

        return null;
    }

    private RecordBatch LoadRecordBatch(Schema schema, IpcMessage message, MessageBody body, int index)
    {
        var columns = new ArrayData[schema.FieldsList.Count];
        int length = RecordBatchLoader.Load(message.Header, schema.FieldsList, body.Memory, message.Version, _dictionaries!, index, columns, _maxDecompressed);
        LastBatchMetadata = message.CustomMetadata;
        var batch = new OwnedRecordBatch(schema, columns, length, body.Owner);
        RecordBatchMetadata.Set(batch, LastBatchMetadata);
        return batch;
    }

    /// <summary>DictionaryBatch (Message.fbs): id 0 <c>id: long</c>, id 1 <c>data: RecordBatch</c>, id 2 <c>isDelta: bool</c> (default false).</summary>
    private void LoadDictionary(IpcMessage message, ReadOnlyMemory<byte> body, int index)
    {
        long id = message.Header.GetInt64(0, 0);
        DictionaryType type = _dictionaries!.TypeOf(id)
            ?? throw new ArrowFormatException($"Message {index}: a DictionaryBatch for id {id}, which no field of the schema uses.");
        FlatBufferTable data = message.Header.GetTable(1)
            ?? throw new ArrowFormatException($"Message {index}: the DictionaryBatch for id {id} has no data.");
        var columns = new ArrayData[1];
        RecordBatchLoader.Load(data, [new Field($"dictionary {id}", type.ValueType, true)], body, message.Version, _dictionaries, index, columns, _maxDecompressed);
        _dictionaries.Set(id, columns[0], message.Header.GetBool(2, false));
    }

    private async ValueTask SkipBodyAsync(bool async, long length, CancellationToken cancellationToken)
    {
        if (length > 0)
        {
            MessageBody body = await _source.ReadBodyAsync(async, length, true, _messageIndex, cancellationToken).ConfigureAwait(false);
            body.Owner?.Dispose();
        }
    }
}
