using System.Text;
using DataBridge.Arrow;
using DataBridge.Ipc;
using static DataBridge.Tests.Ipc.IpcTestData;

namespace DataBridge.Tests.Ipc;

public class ArrowStreamRoundTripTests
{
    [Test]
    public void RoundTrip_PrimitivesStringsListsStructs_ReadBackEqual()
    {
        var structType = new StructType([new Field("a", Int32Type.Default, true), new Field("b", StringType.Default, true)]);
        RecordBatch batch = Batch(
            ("i64", Int64(1, null, 3, long.MaxValue)),
            ("f64", Float64(1.5, 2.5, null, double.NaN)),
            ("s", Utf8("a", null, "ccc", "")),
            ("b", Bool(true, false, null, true)),
            ("l", List(new ListType(Int32Type.Default), Int32(1, 2, null, 4, 5), [0, 2, 2, 3, 5], [true, false, true, true])),
            ("st", Struct(structType, 4, [Int32(1, 2, 3, 4), Utf8("x", "y", null, "z")], [true, true, false, true])));

        byte[] bytes = Write(batch.Schema, [batch]);
        List<RecordBatch> fromMemory = ReadAll(bytes, out Schema schema);
        List<RecordBatch> fromStream = ReadAllFromStream(bytes);

        Assert.That(ArrowTypeEquality.Equal(schema, batch.Schema), Is.True, ArrowTypeText.Of(schema));
        foreach (List<RecordBatch> read in new[] { fromMemory, fromStream })
        {
            Assert.That(read, Has.Count.EqualTo(1));
            for (int c = 0; c < batch.ColumnCount; c++)
            {
                AssertSameData(batch.Column(c).Data, read[0].Column(c).Data, batch.Schema[c].Name);
            }
        }
    }

    [Test]
    public void Write_EveryMessage_StartsWithContinuationAndIsEightByteAligned()
    {
        RecordBatch batch = Batch(("x", Int32(1, 2, 3)));
        byte[] bytes = Write(batch.Schema, [batch]);

        int position = 0;
        int messages = 0;
        while (true)
        {
            Assert.That(BitConverter.ToInt32(bytes, position), Is.EqualTo(-1), $"continuation at {position}");
            int size = BitConverter.ToInt32(bytes, position + 4);
            if (size == 0)
            {
                break;
            }

            Assert.That(size % 8, Is.Zero);
            var message = IpcMessage.Decode(bytes.AsMemory(position + 8, size), messages);
            Assert.That(message.BodyLength % 8, Is.Zero);
            position += 8 + size + (int)message.BodyLength;
            messages++;
        }

        Assert.That(position + 8, Is.EqualTo(bytes.Length));
        Assert.That(messages, Is.EqualTo(2));
    }
}
