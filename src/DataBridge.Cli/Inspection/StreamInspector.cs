using System.Buffers.Binary;
using System.Globalization;
using DataBridge.Ipc;

namespace DataBridge.Cli.Inspection;

/// <summary>
/// <c>databridge arrow inspect</c>: walks the framing of an IPC stream message by message and prints what
/// each message is (kind, position, metadata and body sizes, rows, dictionary id and delta flag, body
/// compression), plus the schema. It decodes metadata only, so it also describes streams whose bodies the
/// reader refuses (compressed, big-endian).
/// </summary>
/// <remarks>
/// Framing: <c>0xFFFFFFFF, int32 metadata size, metadata, body</c>, or the legacy (pre-0.15)
/// <c>int32 metadata size, metadata, body</c>; a size of 0 is the end-of-stream marker. Message.fbs,
/// <c>RecordBatch</c>: id 0 <c>length: long</c>, 1 <c>nodes: [FieldNode]</c> (16-byte structs),
/// 2 <c>buffers: [Buffer]</c> (16-byte structs), 3 <c>compression: BodyCompression</c> (id 0 <c>codec</c>:
/// LZ4_FRAME = 0, ZSTD = 1). <c>DictionaryBatch</c>: id 0 <c>id: long</c>, 1 <c>data: RecordBatch</c>,
/// 2 <c>isDelta: bool</c>.
/// </remarks>
internal static class StreamInspector
{
    private static readonly Dictionary<string, string> EmptyMetadata = [];

    public static void Inspect(ReadOnlyMemory<byte> data, TextWriter output)
    {
        ReadOnlySpan<byte> span = data.Span;
        bool file = ArrowFileFormat.IsFile(span);
        // Positions stay those of the input: a file's stream starts after its magic and padding.
        long position = file ? ArrowFileFormat.StreamOffset : 0;
        int index = 0;
        int dictionaries = 0;
        int deltas = 0;
        int batches = 0;
        long rows = 0;
        bool ended = false;
        output.WriteLine(file
            ? Invariant($"file (ARROW1): {data.Length} bytes, the stream from byte {ArrowFileFormat.StreamOffset}")
            : Invariant($"stream: {data.Length} bytes"));
        while (position < data.Length)
        {
            long start = position;
            if (data.Length - position < 4)
            {
                throw new ArrowFormatException(Invariant($"Message {index} at byte {start}: {data.Length - position} trailing bytes are too few for a length prefix."));
            }

            int size = BinaryPrimitives.ReadInt32LittleEndian(span[(int)position..]);
            bool legacy = size != -1;
            position += 4;
            if (!legacy)
            {
                if (data.Length - position < 4)
                {
                    throw new ArrowFormatException(Invariant($"Message {index} at byte {start}: the stream ends after the continuation marker."));
                }

                size = BinaryPrimitives.ReadInt32LittleEndian(span[(int)position..]);
                position += 4;
            }

            if (size == 0)
            {
                output.WriteLine(Invariant($"#{index} @{start}: end-of-stream marker{(legacy ? " (legacy, 4 bytes)" : string.Empty)}"));
                ended = true;
                break;
            }

            if (size < 0 || size > data.Length - position)
            {
                throw new ArrowFormatException(Invariant($"Message {index} at byte {start}: metadata size {size} exceeds the {data.Length - position} bytes left."));
            }

            IpcMessage message = IpcMessage.Decode(data.Slice((int)position, size), index);
            position += size;
            if (message.BodyLength > data.Length - position)
            {
                throw new ArrowFormatException(Invariant($"Message {index} at byte {start}: body length {message.BodyLength} exceeds the {data.Length - position} bytes left."));
            }

            string framing = legacy ? ", legacy framing" : string.Empty;
            string sizes = Invariant($"metadata V{message.Version + 1} {size} B{framing}, body {message.BodyLength} B");
            switch (message.HeaderType)
            {
                case MessageHeaderType.Schema:
                    output.WriteLine(Invariant($"#{index} @{start}: Schema ({sizes})"));
                    WriteSchema(message.Header, index, output);
                    break;
                case MessageHeaderType.DictionaryBatch:
                {
                    long id = message.Header.GetInt64(0, 0);
                    bool delta = message.Header.GetBool(2, false);
                    FlatBufferTable? batch = message.Header.GetTable(1);
                    dictionaries++;
                    deltas += delta ? 1 : 0;
                    output.WriteLine(Invariant($"#{index} @{start}: DictionaryBatch id={id} {(delta ? "delta" : "replacement")} {(batch is { } b ? DescribeBatch(b) : "(no data)")} ({sizes})"));
                    break;
                }

                case MessageHeaderType.RecordBatch:
                    batches++;
                    rows += message.Header.GetInt64(0, 0);
                    output.WriteLine(Invariant($"#{index} @{start}: RecordBatch {DescribeBatch(message.Header)} ({sizes})"));
                    break;
                default:
                    output.WriteLine(Invariant($"#{index} @{start}: {message.HeaderType} ({sizes})"));
                    break;
            }

            foreach (KeyValuePair<string, string> pair in message.CustomMetadata)
            {
                output.WriteLine($"    message metadata: {pair.Key} = {pair.Value}");
            }

            position += message.BodyLength;
            index++;
        }

        if (!ended)
        {
            output.WriteLine("(no end-of-stream marker: the input just ends)");
        }
        else if (position < data.Length)
        {
            output.WriteLine(file
                ? Invariant($"({data.Length - position} bytes after the end-of-stream marker: the file's footer, its size and the closing magic)")
                : Invariant($"({data.Length - position} bytes after the end-of-stream marker)"));
        }

        output.WriteLine(Invariant($"total: {index} messages, {dictionaries} dictionary batches ({deltas} deltas), {batches} record batches, {rows} rows"));
    }

    private static string DescribeBatch(FlatBufferTable batch)
    {
        long length = batch.GetInt64(0, 0);
        int nodes = batch.GetVector(1, 16).Count;
        int buffers = batch.GetVector(2, 16).Count;
        string compression = batch.GetTable(3) is { } c
            ? c.GetByte(0, 0) switch { 0 => ", compressed LZ4_FRAME", 1 => ", compressed ZSTD", var other => Invariant($", compressed (codec {other})") }
            : string.Empty;
        return Invariant($"rows={length} nodes={nodes} buffers={buffers}{compression}");
    }

    private static void WriteSchema(FlatBufferTable header, int index, TextWriter output)
    {
        short endianness = header.GetInt16(0, 0);
        output.WriteLine($"    endianness: {(endianness == 0 ? "Little" : "Big")}");
        Schema schema;
        try
        {
            schema = MetadataDecoder.DecodeSchema(header, index, out _);
        }
        catch (UnsupportedArrowFeatureException e)
        {
            // The description goes on: the framing can still be shown for a stream the reader refuses.
            output.WriteLine($"    (fields not decoded: {e.Message})");
            return;
        }

        // Apache.Arrow's DictionaryType has no id: the ids come from the Field tables beside the decoded fields.
        FlatBufferVector tables = header.GetVector(1, 4);
        for (int i = 0; i < schema.FieldsList.Count; i++)
        {
            WriteField(schema.FieldsList[i], tables.Count == schema.FieldsList.Count ? tables.GetTable(i) : null, 1, output);
        }

        foreach (KeyValuePair<string, string> pair in schema.Metadata ?? EmptyMetadata)
        {
            output.WriteLine($"    schema metadata: {pair.Key} = {pair.Value}");
        }
    }

    /// <summary>
    /// One field per line, its children below it. Schema.fbs <c>Field</c>: id 4 <c>dictionary:
    /// DictionaryEncoding</c> (id 0 <c>id: long</c>), id 5 <c>children: [Field]</c>.
    /// </summary>
    private static void WriteField(Field field, FlatBufferTable? table, int depth, TextWriter output)
    {
        string indent = new(' ', 4 * depth);
        IArrowType type = field.DataType;
        string dictionary = string.Empty;
        if (type is DictionaryType d)
        {
            string id = table?.GetTable(4) is { } encoding ? Invariant($"{encoding.GetInt64(0, 0)}") : "?";
            dictionary = Invariant($" [dictionary id={id}, indices {ArrowTypeText.Of(d.IndexType)}{(d.Ordered ? ", ordered" : string.Empty)}]");
            type = d.ValueType;
        }

        output.WriteLine($"{indent}{field.Name}: {Label(type)}{(field.IsNullable ? string.Empty : " not null")}{dictionary}");
        foreach (KeyValuePair<string, string> pair in field.Metadata ?? EmptyMetadata)
        {
            output.WriteLine($"{indent}    metadata: {pair.Key} = {pair.Value}");
        }

        if (type is NestedType nested)
        {
            FlatBufferVector? children = table?.GetVector(5, 4);
            for (int i = 0; i < nested.Fields.Count; i++)
            {
                WriteField(nested.Fields[i], children is { } c && c.Count == nested.Fields.Count ? c.GetTable(i) : null, depth + 1, output);
            }
        }
    }

    /// <summary>A type's own name, without its children (they are listed below it).</summary>
    private static string Label(IArrowType type) => type switch
    {
        ListType => "list",
        LargeListType => "large_list",
        ListViewType => "list_view",
        LargeListViewType => "large_list_view",
        FixedSizeListType t => Invariant($"fixed_size_list[{t.ListSize}]"),
        StructType => "struct",
        MapType t => t.KeySorted ? "map (keys sorted)" : "map",
        UnionType t => Invariant($"{(t.Mode == UnionMode.Sparse ? "sparse" : "dense")}_union type ids [{string.Join(", ", t.TypeIds)}]"),
        RunEndEncodedType => "run_end_encoded",
        _ => ArrowTypeText.Of(type),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
