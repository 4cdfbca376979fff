using DataBridge.Arrow;
using DataBridge.Ipc;
using static DataBridge.Tests.Ipc.IpcTestData;

namespace DataBridge.Tests.Ipc;

public class DictionaryStreamTests
{
    private static readonly DictionaryType Dict = new(Int32Type.Default, StringType.Default, false);

    [Test]
    public void Write_DictionaryGrows_SendsDeltaWithOnlyNewValues()
    {
        ArrayData first = Dictionary(Dict, Utf8("a", "b"), 0, 1, null);
        ArrayData second = Dictionary(Dict, Utf8("a", "b", "c", "d"), 3, 2, 0);
        var schema = new Schema([new Field("d", Dict, true)], null);
        RecordBatch b1 = IpcTestData.FromData(schema, [first], 3);
        RecordBatch b2 = IpcTestData.FromData(schema, [second], 3);
        byte[] bytes = Write(schema, [b1, b2]);

        List<(MessageHeaderType Type, bool IsDelta, long Rows)> messages = Messages(bytes);
        Assert.That(messages, Is.EqualTo(new[]
        {
            (MessageHeaderType.Schema, false, 0L),
            (MessageHeaderType.DictionaryBatch, false, 2L),
            (MessageHeaderType.RecordBatch, false, 3L),
            (MessageHeaderType.DictionaryBatch, true, 2L),
            (MessageHeaderType.RecordBatch, false, 3L),
        }));
        List<RecordBatch> read = ReadAll(bytes, out _);
        AssertSameBatches([b1, b2], read);
        Assert.That(read[1].Column(0).Data.Dictionary!.Length, Is.EqualTo(4));
        AssertSameBatches([b1, b2], ReadAllFromStream(bytes));
    }

    [Test]
    public void Write_DictionaryChanged_SendsReplacement()
    {
        var schema = new Schema([new Field("d", Dict, true)], null);
        RecordBatch b1 = IpcTestData.FromData(schema, [Dictionary(Dict, Utf8("a", "b"), 0, 1)], 2);
        RecordBatch b2 = IpcTestData.FromData(schema, [Dictionary(Dict, Utf8("x", "b", "c"), 2, 0)], 2);
        byte[] bytes = Write(schema, [b1, b2]);
        Assert.That(Messages(bytes)[3], Is.EqualTo((MessageHeaderType.DictionaryBatch, false, 3L)));
        AssertSameBatches([b1, b2], ReadAll(bytes, out _));
    }

    [Test]
    public void Write_DeltasDisabled_SendsReplacement()
    {
        var schema = new Schema([new Field("d", Dict, true)], null);
        RecordBatch b1 = IpcTestData.FromData(schema, [Dictionary(Dict, Utf8("a"), 0)], 1);
        RecordBatch b2 = IpcTestData.FromData(schema, [Dictionary(Dict, Utf8("a", "b"), 1)], 1);
        byte[] bytes = Write(schema, [b1, b2], new ArrowIpcWriterOptions { EmitDictionaryDeltas = false });
        Assert.That(Messages(bytes)[3], Is.EqualTo((MessageHeaderType.DictionaryBatch, false, 2L)));
        AssertSameBatches([b1, b2], ReadAll(bytes, out _));
    }

    [Test]
    public void Write_UnchangedDictionary_IsNotResent()
    {
        ArrayData values = Utf8("a", "b");
        var schema = new Schema([new Field("d", Dict, true)], null);
        RecordBatch b1 = IpcTestData.FromData(schema, [Dictionary(Dict, values, 0, 1)], 2);
        RecordBatch b2 = IpcTestData.FromData(schema, [Dictionary(Dict, Utf8("a", "b"), 1, 1)], 2);
        byte[] bytes = Write(schema, [b1, b2]);
        Assert.That(Messages(bytes).Count(m => m.Type == MessageHeaderType.DictionaryBatch), Is.EqualTo(1));
    }

    [Test]
    public void Write_TwoFieldsOfOneDictionaryType_EachGetsItsOwnDictionary()
    {
        // Apache's DictionaryType has no id: the writer numbers dictionary fields in schema pre-order, so two
        // fields never share a dictionary even when they share the type object.
        ArrayData values = Utf8("p", "q", "r");
        var schema = new Schema([new Field("d1", Dict, true), new Field("d2", Dict, true)], null);
        RecordBatch batch = IpcTestData.FromData(schema, [Dictionary(Dict, values, 0, 2), Dictionary(Dict, values, 1, null)], 2);
        byte[] bytes = Write(schema, [batch]);
        Assert.That(DictionaryIds(bytes), Is.EqualTo(new long[] { 0, 1 }));
        AssertSameBatches([batch], ReadAll(bytes, out _));
    }

    [Test]
    public void Write_DictionaryFields_AreNumberedInSchemaPreOrder()
    {
        var int8 = new DictionaryType(Int8Type.Default, StringType.Default, false);
        var nested = new StructType([new Field("inner", int8, true)]);
        var schema = new Schema([new Field("a", int8, true), new Field("s", nested, true), new Field("c", Dict, true)], null);
        RecordBatch batch = IpcTestData.FromData(
            schema,
            [Dictionary(int8, Utf8("x"), 0), Struct(nested, 1, [Dictionary(int8, Utf8("y"), 0)]), Dictionary(Dict, Utf8("z"), 0)],
            1);
        byte[] bytes = Write(schema, [batch]);
        List<RecordBatch> read = ReadAll(bytes, out Schema readSchema);
        Assert.That(DictionaryIds(bytes), Is.EqualTo(new long[] { 0, 1, 2 }));
        Assert.That(readSchema.FieldsList.Select(f => f.DataType.TypeId), Is.EqualTo(new[] { ArrowTypeId.Dictionary, ArrowTypeId.Struct, ArrowTypeId.Dictionary }));
        AssertSameBatches([batch], read);
    }

    [Test]
    public void RoundTrip_NestedDictionary_InnerDictionarySentFirst()
    {
        var inner = new DictionaryType(Int16Type.Default, StringType.Default, false);
        var outer = new DictionaryType(Int32Type.Default, new ListType(new Field("item", inner, true)), false);
        ArrayData innerValues = Dictionary(inner, Utf8("x", "y"), 0, 1, 1, null);
        ArrayData outerValues = List(outer.ValueType, innerValues, [0, 1, 3, 4]);
        var schema = new Schema([new Field("nested", outer, true)], null);
        RecordBatch batch = IpcTestData.FromData(schema, [Dictionary(outer, outerValues, 2, 0, null, 1)], 4);
        byte[] bytes = Write(schema, [batch]);

        List<(MessageHeaderType Type, bool IsDelta, long Rows)> messages = Messages(bytes);
        Assert.That(messages.Select(m => m.Rows), Is.EqualTo(new long[] { 0, 2, 3, 4 }));
        AssertSameBatches([batch], ReadAll(bytes, out _));
        AssertSameBatches([batch], ReadAllFromStream(bytes));
    }

    [Test]
    public void Read_AllNullColumnBeforeItsDictionary_ReadsNulls()
    {
        var schema = new Schema([new Field("d", Dict, true)], null);
        ArrayData allNull = Dictionary(Dict, Utf8("a"), null, null);
        RecordBatch b1 = IpcTestData.FromData(schema, [allNull], 2);
        byte[] bytes = Write(schema, [b1]);

        // Drop the DictionaryBatch: the all-null batch must still read.
        List<(int Start, int Length)> frames = Frames(bytes);
        byte[] withoutDictionary = [.. bytes[..frames[1].Start], .. bytes[frames[2].Start..]];
        List<RecordBatch> read = ReadAll(withoutDictionary, out _);
        Assert.That(read.Single().Column(0).NullCount, Is.EqualTo(2));
    }

    [Test]
    public void Read_DeltaDictionary_AppendedToCurrent()
    {
        ArrayData values = Utf8("a", "b", "c");
        var schema = new Schema([new Field("d", Dict, true)], null);
        RecordBatch b1 = IpcTestData.FromData(schema, [Dictionary(Dict, values.Slice(0, 1), 0)], 1);
        RecordBatch b2 = IpcTestData.FromData(schema, [Dictionary(Dict, values, 2, 1, 0)], 3);
        RecordBatch b3 = IpcTestData.FromData(schema, [Dictionary(Dict, Utf8("a", "b", "c", "d"), 3)], 1);
        List<RecordBatch> read = ReadAll(Write(schema, [b1, b2, b3]), out _);
        AssertSameBatches([b1, b2, b3], read);
        Assert.That(read[0].Column(0).Data.Dictionary!.Length, Is.EqualTo(1), "earlier batches keep their dictionary");
    }

    internal static List<(int Start, int Length)> Frames(byte[] bytes)
    {
        var frames = new List<(int, int)>();
        int position = 0;
        while (position + 8 <= bytes.Length && BitConverter.ToInt32(bytes, position + 4) != 0)
        {
            int size = BitConverter.ToInt32(bytes, position + 4);
            var message = IpcMessage.Decode(bytes.AsMemory(position + 8, size), frames.Count);
            int length = 8 + size + (int)message.BodyLength;
            frames.Add((position, length));
            position += length;
        }

        return frames;
    }

    /// <summary>The dictionary id of every DictionaryBatch, in stream order.</summary>
    private static List<long> DictionaryIds(byte[] bytes)
    {
        var ids = new List<long>();
        foreach ((int start, int _) in Frames(bytes))
        {
            int size = BitConverter.ToInt32(bytes, start + 4);
            var message = IpcMessage.Decode(bytes.AsMemory(start + 8, size), ids.Count);
            if (message.HeaderType == MessageHeaderType.DictionaryBatch)
            {
                ids.Add(message.Header.GetInt64(0, 0));
            }
        }

        return ids;
    }

    private static List<(MessageHeaderType Type, bool IsDelta, long Rows)> Messages(byte[] bytes)
    {
        var result = new List<(MessageHeaderType, bool, long)>();
        foreach ((int start, int _) in Frames(bytes))
        {
            int size = BitConverter.ToInt32(bytes, start + 4);
            var message = IpcMessage.Decode(bytes.AsMemory(start + 8, size), result.Count);
            result.Add(message.HeaderType switch
            {
                MessageHeaderType.DictionaryBatch => (message.HeaderType, message.Header.GetBool(2, false), message.Header.GetTable(1)!.Value.GetInt64(0, 0)),
                MessageHeaderType.RecordBatch => (message.HeaderType, false, message.Header.GetInt64(0, 0)),
                _ => (message.HeaderType, false, 0L),
            });
        }

        return result;
    }
}
