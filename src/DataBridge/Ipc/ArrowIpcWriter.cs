using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DataBridge.Ipc;

/// <summary>
/// Writes an Arrow IPC stream: a Schema message, then for each record batch the dictionary batches it needs
/// and a RecordBatch message, then (on <see cref="WriteEnd"/>) the end-of-stream marker.
/// </summary>
/// <remarks>
/// <para>Messages use metadata V5 and the 8-byte framing <c>0xFFFFFFFF, int32 metadata size, flatbuffer, padding
/// to 8, body</c>. Body buffers start 64-byte aligned, carry their exact byte length, and are written straight
/// from the arrays' memory (no intermediate copy). A validity bitmap is omitted when its array has no nulls.</para>
/// <para>Dictionaries: before each batch, every dictionary that changed since the last batch is sent; a
/// dictionary that only grew is sent as a delta (see <see cref="ArrowIpcWriterOptions.EmitDictionaryDeltas"/>).
/// Each dictionary-encoded field has a dictionary of its own, with ids numbered in schema pre-order (Apache.Arrow's
/// <see cref="DictionaryType"/> has no id). Dictionaries used inside a dictionary's values are sent first.</para>
/// <para>Sync and async methods share one implementation. The writer is not thread-safe.</para>
/// </remarks>
public sealed class ArrowIpcWriter : IDisposable, IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ArrowIpcWriterOptions _options;
    private readonly MetadataEncoder _encoder = new();
    private readonly BodyLayout _layout = new();
    private readonly Dictionary<long, ArrayData> _sentDictionaries = [];
    private readonly List<(long Id, ArrayData Dictionary)> _pendingDictionaries = [];
    private readonly Dictionary<Field, long> _dictionaryIds;
    private readonly List<(long Offset, int MetadataLength, long BodyLength)> _dictionaryBlocks = [];
    private readonly List<(long Offset, int MetadataLength, long BodyLength)> _batchBlocks = [];
    private byte[] _header = new byte[1024];
    private long _position;
    private bool _schemaWritten;
    private bool _ended;
    private bool _disposed;

    /// <summary>Creates a writer; nothing is written until the first batch or <see cref="WriteEnd"/>.</summary>
    /// <param name="stream">The destination.</param>
    /// <param name="schema">The schema of every batch.</param>
    /// <param name="options">Options, or null for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing the writer leaves <paramref name="stream"/> open.</param>
    /// <exception cref="ArgumentException">Fields sharing a dictionary id have different dictionary value types.</exception>
    public ArrowIpcWriter(Stream stream, Schema schema, ArrowIpcWriterOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(schema);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
        _options = options ?? ArrowIpcWriterOptions.Default;
        if (_options.FileFormat && _options.LegacyFormat)
        {
            throw new ArgumentException("The Arrow file format cannot use the legacy (pre-0.15) message framing.", nameof(options));
        }

        Schema = schema;
        _dictionaryIds = DictionaryIdAssigner.Assign(schema);
        _layout.UseCompression(_options.Compression);
    }

    /// <summary>The schema as written: the schema given to the constructor with every dictionary id assigned.</summary>
    public Schema Schema { get; }

    /// <summary>Writes a record batch (and the dictionaries it needs), with the custom metadata attached to it (<see cref="RecordBatchMetadata"/>).</summary>
    /// <exception cref="ArgumentException">The batch does not match the writer's schema.</exception>
    /// <exception cref="InvalidOperationException">The stream was already ended.</exception>
    public void WriteRecordBatch(RecordBatch batch) => WriteRecordBatch(batch, batch?.GetCustomMetadata());

    /// <summary>Writes a record batch with custom metadata on its message.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="customMetadata">Key/value pairs stored on the RecordBatch message (Message.custom_metadata), instead of any attached to the batch; null for none.</param>
    public void WriteRecordBatch(RecordBatch batch, IReadOnlyList<KeyValuePair<string, string>>? customMetadata) =>
        WriteRecordBatchCore(false, batch, customMetadata, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Writes a record batch (and the dictionaries it needs), with the custom metadata attached to it (<see cref="RecordBatchMetadata"/>).</summary>
    public ValueTask WriteRecordBatchAsync(RecordBatch batch, CancellationToken cancellationToken = default) =>
        WriteRecordBatchCore(true, batch, batch?.GetCustomMetadata(), cancellationToken);

    /// <summary>Writes a record batch with custom metadata on its message.</summary>
    public ValueTask WriteRecordBatchAsync(RecordBatch batch, IReadOnlyList<KeyValuePair<string, string>>? customMetadata, CancellationToken cancellationToken = default) =>
        WriteRecordBatchCore(true, batch, customMetadata, cancellationToken);

    /// <summary>Writes the schema if not yet written, then the end-of-stream marker. Further writes are refused.</summary>
    public void WriteEnd() => WriteEndCore(false, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Writes the schema if not yet written, then the end-of-stream marker. Further writes are refused.</summary>
    public ValueTask WriteEndAsync(CancellationToken cancellationToken = default) => WriteEndCore(true, cancellationToken);

    /// <summary>Disposes the stream unless the writer was created with leaveOpen. Does not write the end marker.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _layout.Reset(0);
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    /// <summary>Disposes the stream unless the writer was created with leaveOpen. Does not write the end marker.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _layout.Reset(0);
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask WriteRecordBatchCore(bool async, RecordBatch batch, IReadOnlyList<KeyValuePair<string, string>>? customMetadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureWritable();
        CheckBatch(batch);
        await EnsureSchemaAsync(async, cancellationToken).ConfigureAwait(false);

        CollectChangedDictionaries(batch);
        foreach ((long id, ArrayData dictionary) in _pendingDictionaries)
        {
            bool isDelta = false;
            ArrayData toSend = dictionary;
            if (_sentDictionaries.TryGetValue(id, out ArrayData? previous)
                && _options.EmitDictionaryDeltas
                && dictionary.Length > previous.Length
                && ArrayRangeComparer.RangeEquals(previous, 0, dictionary, 0, previous.Length))
            {
                isDelta = true;
                toSend = dictionary.Slice(previous.Length, dictionary.Length - previous.Length);
            }

            if (_options.FileFormat && !isDelta && _sentDictionaries.ContainsKey(id))
            {
                throw new ArgumentException(
                    $"The batch replaces dictionary {id} with one that does not extend it; the Arrow file format cannot replace dictionaries (write a stream instead).", nameof(batch));
            }

            _layout.Reset(toSend.Length);
            ArrayFlattener.Flatten(toSend, _layout);
            _layout.Complete();
            int headerLength = FrameMetadata(_encoder.EncodeDictionaryBatchMessage(id, isDelta, _layout));
            _dictionaryBlocks.Add((_position, headerLength, _layout.BodyLength));
            await WriteMessageAsync(async, headerLength, cancellationToken).ConfigureAwait(false);
            _sentDictionaries[id] = dictionary;
        }

        _layout.Reset(batch.Length);
        for (int i = 0; i < batch.ColumnCount; i++)
        {
            ArrayFlattener.Flatten(batch.Column(i).Data, _layout);
        }


        _layout.Complete();
        int length = FrameMetadata(_encoder.EncodeRecordBatchMessage(_layout, customMetadata));
        _batchBlocks.Add((_position, length, _layout.BodyLength));
        await WriteMessageAsync(async, length, cancellationToken).ConfigureAwait(false);
        _layout.Reset(0);
    }

    private async ValueTask WriteEndCore(bool async, CancellationToken cancellationToken)
    {
        EnsureWritable();
        await EnsureSchemaAsync(async, cancellationToken).ConfigureAwait(false);

        // EOS: 0xFFFFFFFF then a zero length; legacy framing: a single zero length.
        int length = 0;
        if (!_options.LegacyFormat)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_header, -1);
            length = 4;
        }

        BinaryPrimitives.WriteInt32LittleEndian(_header.AsSpan(length), 0);
        await WriteAsync(async, _header.AsMemory(0, length + 4), cancellationToken).ConfigureAwait(false);
        if (_options.FileFormat)
        {
            // Footer, its int32 length, and the closing magic (File.fbs).
            ReadOnlySpan<byte> footer = _encoder.EncodeFooter(
                Schema, _dictionaryIds, CollectionsMarshal.AsSpan(_dictionaryBlocks), CollectionsMarshal.AsSpan(_batchBlocks));
            byte[] tail = new byte[footer.Length + 10];
            footer.CopyTo(tail);
            BinaryPrimitives.WriteInt32LittleEndian(tail.AsSpan(footer.Length), footer.Length);
            "ARROW1"u8.CopyTo(tail.AsSpan(footer.Length + 4));
            await WriteAsync(async, tail, cancellationToken).ConfigureAwait(false);
        }

        if (async)
        {
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _stream.Flush();
        }

        _ended = true;
    }

    private async ValueTask EnsureSchemaAsync(bool async, CancellationToken cancellationToken)
    {
        if (_schemaWritten)
        {
            return;
        }

        if (_options.FileFormat)
        {
            await WriteAsync(async, "ARROW1\0\0"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        _layout.Reset(0);
        int length = FrameMetadata(_encoder.EncodeSchemaMessage(Schema, _dictionaryIds));
        await WriteMessageAsync(async, length, cancellationToken).ConfigureAwait(false);
        _schemaWritten = true;
    }

    /// <summary>
    /// Lays out the encapsulated message header in <see cref="_header"/>: [0xFFFFFFFF unless legacy]
    /// [int32 size = flatbuffer + padding][flatbuffer][zero padding so the body starts 8-aligned]. Returns its length.
    /// </summary>
    private int FrameMetadata(ReadOnlySpan<byte> flatbuffer)
    {
        int prefix = _options.LegacyFormat ? 4 : 8;
        int total = (int)BitOps.Align8(prefix + flatbuffer.Length);
        if (_header.Length < total)
        {
            _header = new byte[Math.Max(total, _header.Length * 2)];
        }

        Span<byte> header = _header.AsSpan(0, total);
        if (!_options.LegacyFormat)
        {
            BinaryPrimitives.WriteInt32LittleEndian(header, -1);
        }

        BinaryPrimitives.WriteInt32LittleEndian(header[(prefix - 4)..], total - prefix);
        flatbuffer.CopyTo(header[prefix..]);
        header[(prefix + flatbuffer.Length)..].Clear();
        return total;
    }

    private async ValueTask WriteMessageAsync(bool async, int headerLength, CancellationToken cancellationToken)
    {
        await WriteAsync(async, _header.AsMemory(0, headerLength), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ReadOnlyMemory<byte>> segments = _layout.Segments;
        for (int i = 0; i < segments.Count; i++)
        {
            await WriteAsync(async, segments[i], cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask WriteAsync(bool async, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        _position += bytes.Length;
        if (async)
        {
            return _stream.WriteAsync(bytes, cancellationToken);
        }

        _stream.Write(bytes.Span);
        return ValueTask.CompletedTask;
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ended)
        {
            throw new InvalidOperationException("The stream has been ended; no more messages can be written.");
        }
    }

    private void CheckBatch(RecordBatch batch)
    {
        IReadOnlyList<Field> fields = Schema.FieldsList;
        if (batch.ColumnCount != fields.Count)
        {
            throw new ArgumentException($"The batch has {batch.ColumnCount} columns but the writer's schema has {fields.Count} fields.", nameof(batch));
        }

        for (int i = 0; i < batch.ColumnCount; i++)
        {
            IArrowArray column = batch.Column(i) ?? throw new ArgumentException($"Column {i} of the batch is null.", nameof(batch));
            if (!ArrowTypeEquality.SameLayout(fields[i].DataType, column.Data.DataType))
            {
                throw new ArgumentException(
                    $"Column {i} ('{fields[i].Name}') is {ArrowTypeText.Of(column.Data.DataType)} but the writer's schema says {ArrowTypeText.Of(fields[i].DataType)}.", nameof(batch));
            }

            if (column.Length != batch.Length)
            {
                throw new ArgumentException($"Column {i} ('{fields[i].Name}') has {column.Length} values but the batch has {batch.Length} rows.", nameof(batch));
            }
        }
    }

    /// <summary>Fills <see cref="_pendingDictionaries"/> with the dictionaries of <paramref name="batch"/> that changed, dependencies first.</summary>
    private void CollectChangedDictionaries(RecordBatch batch)
    {
        _pendingDictionaries.Clear();
        for (int i = 0; i < batch.ColumnCount; i++)
        {
            Collect(Schema.FieldsList[i], batch.Column(i).Data);
        }

        void Collect(Field field, ArrayData data)
        {
            if (field.DataType is DictionaryType dictionaryType)
            {
                ArrayData dictionary = data.Dictionary
                    ?? throw new ArgumentException($"The dictionary-encoded array of field '{field.Name}' has no dictionary.", nameof(batch));
                IReadOnlyList<Field> valueChildren = TypeLayout.Children(dictionaryType.ValueType);
                for (int c = 0; c < valueChildren.Count && c < dictionary.Children.Length; c++)
                {
                    Collect(valueChildren[c], dictionary.Children[c]);
                }

                long id = _dictionaryIds[field];
                int existing = _pendingDictionaries.FindIndex(p => p.Id == id);
                if (existing >= 0)
                {
                    ArrayData other = _pendingDictionaries[existing].Dictionary;
                    if (!ReferenceEquals(other, dictionary)
                        && (other.Length != dictionary.Length || !ArrayRangeComparer.RangeEquals(other, 0, dictionary, 0, other.Length)))
                    {
                        throw new ArgumentException($"Fields sharing dictionary id {id} carry different dictionaries in one batch.", nameof(batch));
                    }

                    return;
                }

                if (_sentDictionaries.TryGetValue(id, out ArrayData? sent)
                    && (ReferenceEquals(sent, dictionary)
                        || (sent.Length == dictionary.Length && ArrayRangeComparer.RangeEquals(sent, 0, dictionary, 0, sent.Length))))
                {
                    return;
                }

                _pendingDictionaries.Add((id, dictionary));
                return;
            }

            IReadOnlyList<Field> children = TypeLayout.Children(field.DataType);
            for (int c = 0; c < children.Count && c < data.Children.Length; c++)
            {
                Collect(children[c], data.Children[c]);
            }
        }
    }
}
