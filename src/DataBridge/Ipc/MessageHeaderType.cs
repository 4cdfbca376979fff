namespace DataBridge.Ipc;

/// <summary>The <c>MessageHeader</c> union tags of Message.fbs.</summary>
internal enum MessageHeaderType : byte
{
    None = 0,
    Schema = 1,
    DictionaryBatch = 2,
    RecordBatch = 3,
    Tensor = 4,
    SparseTensor = 5,
}
