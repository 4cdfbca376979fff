namespace DataBridge.Ipc;

/// <summary>
/// The decoded root <c>Message</c> table of one encapsulated IPC message.
/// </summary>
/// <remarks>
/// Message.fbs <c>table Message</c>, field by field:
/// <list type="number">
/// <item>id 0 <c>version: MetadataVersion</c> (short; V1..V5 = 0..4; default V1)</item>
/// <item>id 1 <c>header_type</c> (ubyte union tag, <see cref="MessageHeaderType"/>)</item>
/// <item>id 2 <c>header</c> (the Schema / DictionaryBatch / RecordBatch table)</item>
/// <item>id 3 <c>bodyLength: long</c> (bytes of body following the metadata; 0 for Schema)</item>
/// <item>id 4 <c>custom_metadata: [KeyValue]</c></item>
/// </list>
/// </remarks>
internal readonly struct IpcMessage
{
    public const short MetadataV4 = 3;
    public const short MetadataV5 = 4;

    private IpcMessage(short version, MessageHeaderType headerType, FlatBufferTable header, long bodyLength, FlatBufferTable root)
    {
        Version = version;
        HeaderType = headerType;
        Header = header;
        BodyLength = bodyLength;
        Root = root;
    }

    public short Version { get; }

    public MessageHeaderType HeaderType { get; }

    public FlatBufferTable Header { get; }

    public long BodyLength { get; }

    public FlatBufferTable Root { get; }

    /// <summary>The message's custom metadata (read on demand: most messages have none).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CustomMetadata => MetadataDecoder.DecodeKeyValues(Root, 4);

    /// <summary>Decodes and checks the Message table; the header's own content is decoded by the caller.</summary>
    public static IpcMessage Decode(ReadOnlyMemory<byte> metadata, int messageIndex)
    {
        FlatBufferTable root = FlatBufferTable.Root(metadata);
        short version = root.GetInt16(0, 0);
        if (version is < MetadataV4 or > MetadataV5)
        {
            throw new UnsupportedArrowFeatureException(
                $"metadata:V{version + 1}",
                $"Message {messageIndex}: metadata version V{version + 1} is not supported (only V4 and V5 are).");
        }

        var headerType = (MessageHeaderType)root.GetByte(1, 0);
        switch (headerType)
        {
            case MessageHeaderType.Schema:
            case MessageHeaderType.DictionaryBatch:
            case MessageHeaderType.RecordBatch:
                break;
            case MessageHeaderType.Tensor:
            case MessageHeaderType.SparseTensor:
                throw new UnsupportedArrowFeatureException($"message:{headerType}", $"Message {messageIndex}: {headerType} messages are not supported.");
            default:
                throw new ArrowFormatException($"Message {messageIndex}: unknown message header type {(int)headerType}.");
        }

        FlatBufferTable header = root.GetTable(2)
            ?? throw new ArrowFormatException($"Message {messageIndex}: the {headerType} message has no header table.");
        long bodyLength = root.GetInt64(3, 0);
        if (bodyLength < 0)
        {
            throw new ArrowFormatException($"Message {messageIndex}: negative body length {bodyLength}.");
        }

        return new IpcMessage(version, headerType, header, bodyLength, root);
    }
}
