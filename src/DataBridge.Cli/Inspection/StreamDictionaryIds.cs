using System.Buffers.Binary;
using DataBridge.Ipc;

namespace DataBridge.Cli.Inspection;

/// <summary>
/// The dictionary ids a stream's Schema message declares, in pre-order of its fields (a field before its
/// children): Apache.Arrow's <see cref="DictionaryType"/> has no id, so <c>to-json</c> takes them from the
/// metadata to write the ids the stream really uses (shared dictionaries keep one id).
/// </summary>
/// <remarks>
/// Schema.fbs: <c>Schema</c> id 1 <c>fields: [Field]</c>; <c>Field</c> id 4 <c>dictionary:
/// DictionaryEncoding</c> (id 0 <c>id: long</c>), id 5 <c>children: [Field]</c>. The stream has been read by
/// the IPC reader before, so any failure here only means the ids are unknown.
/// </remarks>
internal static class StreamDictionaryIds
{
    private const int MaxDepth = 64;

    /// <summary>The ids, or null when the first message of <paramref name="data"/> is not a readable Schema.</summary>
    public static List<long>? Read(ReadOnlyMemory<byte> data)
    {
        // A file (ARROW1) holds a stream whose first message is the schema.
        data = ArrowFileFormat.StreamOf(data);
        try
        {
            ReadOnlySpan<byte> span = data.Span;
            if (span.Length < 8)
            {
                return null;
            }

            int size = BinaryPrimitives.ReadInt32LittleEndian(span);
            int start = 4;
            if (size == -1)
            {
                size = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
                start = 8;
            }

            if (size <= 0 || size > span.Length - start)
            {
                return null;
            }

            IpcMessage message = IpcMessage.Decode(data.Slice(start, size), 0);
            if (message.HeaderType != MessageHeaderType.Schema)
            {
                return null;
            }

            var ids = new List<long>();
            // A hostile flatbuffer may share tables between fields: the budget bounds the walk by the metadata size.
            int budget = (size / 4) + 1;
            return Walk(message.Header.GetVector(1, 4), ids, 1, ref budget) ? ids : null;
        }
        catch (ArrowFormatException)
        {
            // Unsupported features included (a subclass).
            return null;
        }
    }

    private static bool Walk(FlatBufferVector fields, List<long> ids, int depth, ref int budget)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        for (int i = 0; i < fields.Count; i++)
        {
            if (--budget < 0)
            {
                return false;
            }

            FlatBufferTable field = fields.GetTable(i);
            if (field.GetTable(4) is { } encoding)
            {
                ids.Add(encoding.GetInt64(0, 0));
            }

            if (!Walk(field.GetVector(5, 4), ids, depth + 1, ref budget))
            {
                return false;
            }
        }

        return true;
    }
}
