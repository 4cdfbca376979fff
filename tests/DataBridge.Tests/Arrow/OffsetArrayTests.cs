using System.Text;
using DataBridge.Arrow;
using DataBridge.Tests.Ipc;
using DataBridge.Tests.Support;
using static DataBridge.Tests.Ipc.IpcTestData;

namespace DataBridge.Tests.Arrow;

/// <summary>
/// Arrays whose data starts at a non-zero offset, as readers and slicing produce them: the writer re-bases them
/// and the reader hands back the same logical window (what our own array classes' offset handling used to prove).
/// </summary>
public class OffsetArrayTests
{
    private static ArrayData RoundTrip(ArrayData data)
    {
        RecordBatch batch = Batch(("c", data));
        RecordBatch read = ReadAll(Write(batch.Schema, [batch]), out _).Single();
        Assert.That(ArrayDataComparer.FirstDifference(data, read.Column(0).Data), Is.Null);
        return read.Column(0).Data;
    }

    [Test]
    public void PrimitiveData_WithOffset_ReadsFromOffset()
    {
        var data = new ArrayData(Int16Type.Default, 2, 1, 3, [new ArrowBuffer(new byte[] { 0b0001_0000 }), BufferOf<short>([0, 1, 2, 3, 4])]);
        var read = new Int16Array(RoundTrip(data));
        Assert.Multiple(() =>
        {
            Assert.That(read.GetValue(0), Is.Null);
            Assert.That(read.GetValue(1), Is.EqualTo((short)4));
            Assert.That(read.NullCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void ListData_WithOffsetAndChildOffset_ReadsWindow()
    {
        // Child [9, 9, 10, 11, 12] sliced by 2 => [10, 11, 12]; list offsets [0, 1, 1, 3] at list offset 1 => elements [], [11, 12].
        ArrayData child = Int32(9, 9, 10, 11, 12).Slice(2, 3);
        var data = new ArrayData(new ListType(Int32Type.Default), 2, 0, 1, [ArrowBuffer.Empty, BufferOf<int>([0, 1, 1, 3])], [child]);
        var read = new ListArray(RoundTrip(data));
        Assert.Multiple(() =>
        {
            Assert.That(read.GetValueLength(0), Is.Zero);
            Assert.That(read.ValueOffsets.ToArray(), Is.EqualTo(new[] { 0, 0, 2 }), "offsets re-based to 0");
            Assert.That(((Int32Array)read.Values).Values.ToArray(), Is.EqualTo(new[] { 11, 12 }), "child cut to the window");
        });
    }

    [Test]
    public void StructData_WithOffset_SlicesChildrenToWindow()
    {
        var data = new ArrayData(new StructType([new Field("a", Int64Type.Default, true)]), 2, 0, 2, [ArrowBuffer.Empty], [Int64(0, 10, 20, 30)]);
        var read = new StructArray(RoundTrip(data));
        Assert.That(((Int64Array)read.Fields[0]).Values.ToArray(), Is.EqualTo(new long[] { 20, 30 }));
    }

    [Test]
    public void FixedSizeListData_WithOffset_AddressesChildBySize()
    {
        ArrayData values = Primitive<byte>(UInt8Type.Default, 0, 1, 2, 3, 4, 5);
        var read = new FixedSizeListArray(RoundTrip(new ArrayData(new FixedSizeListType(UInt8Type.Default, 2), 1, 0, 2, [ArrowBuffer.Empty], [values])));
        Assert.That(((UInt8Array)read.Values).Values.ToArray(), Is.EqualTo(new byte[] { 4, 5 }));
    }

    [Test]
    public void DictionaryData_WithOffset_DecodesWindow()
    {
        var type = new DictionaryType(Int8Type.Default, StringType.Default, false);
        ArrayData data = Dictionary(type, Utf8("a", "b", "c"), 0, 1, 2, 1).Slice(2, 2);
        ArrayData read = RoundTrip(data);
        Assert.That(Encoding.UTF8.GetString(SlotReader.GetBytes(read.Dictionary, checked((int)SlotReader.GetIndex(read, read.Offset)))), Is.EqualTo("c"));
    }

    [Test]
    public void SparseUnionData_WithOffset_SlicesChildrenToWindow()
    {
        UnionType type = UnionOf(UnionMode.Sparse, [3], new Field("a", Int32Type.Default, true));
        ArrayData data = Union(type, [3, 3, 3], null, Int32(7, 8, 9)).Slice(1, 2);
        var read = (SparseUnionArray)ArrowArrayFactory.BuildArray(RoundTrip(data));
        Assert.That(((Int32Array)read.Fields[0]).Values.ToArray(), Is.EqualTo(new[] { 8, 9 }));
    }
}
