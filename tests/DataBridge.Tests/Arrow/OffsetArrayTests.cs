using DataBridge.Arrow;

namespace DataBridge.Tests.Arrow;

/// <summary>Arrays whose data starts at a non-zero offset, as readers and slicing produce them.</summary>
public class OffsetArrayTests
{
    [Test]
    public void PrimitiveData_WithOffset_ReadsFromOffset()
    {
        var data = new ArrayData(IntType.Int16, 2, -1, 3, [new ArrowBuffer(new byte[] { 0b0001_0000 }), ArrowBuffer.FromSpan<short>([0, 1, 2, 3, 4])]);
        var array = new Int16Array(data);
        Assert.Multiple(() =>
        {
            Assert.That(array.Values.ToArray(), Is.EqualTo(new short[] { 3, 4 }));
            Assert.That(array.GetNullable(0), Is.Null);
            Assert.That(array.GetNullable(1), Is.EqualTo((short)4));
            Assert.That(array.NullCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void ListData_WithOffsetAndChildOffset_ReadsWindow()
    {
        // Child [9, 9, 10, 11, 12] sliced by 2 => [10, 11, 12]; list offsets [0, 1, 1, 3] at list offset 1 => elements [], [11, 12].
        ArrayData child = new Int32Array.Builder().AppendRange([9, 9, 10, 11, 12]).Build().Data.Slice(2, 3);
        var data = new ArrayData(new ListType(IntType.Int32), 2, 0, 1, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<int>([0, 1, 1, 3])], [child]);
        var array = new ListArray(data);
        Assert.Multiple(() =>
        {
            Assert.That(array.GetValueLength(0), Is.Zero);
            Assert.That(((Int32Array)array.GetSlice(1)).Values.ToArray(), Is.EqualTo(new[] { 11, 12 }));
            Assert.That(array.ValueOffsets.ToArray(), Is.EqualTo(new[] { 1, 1, 3 }));
        });
    }

    [Test]
    public void StructData_WithOffset_SlicesChildrenToWindow()
    {
        ArrayData a = new Int64Array.Builder().AppendRange([0, 10, 20, 30]).Build().Data;
        var data = new ArrayData(new StructType([new Field("a", IntType.Int64)]), 2, 0, 2, [ArrowBuffer.Empty], [a]);
        var array = new StructArray(data);
        Assert.That(((Int64Array)array.GetChild(0)).Values.ToArray(), Is.EqualTo(new long[] { 20, 30 }));
    }

    [Test]
    public void StructData_ChildTooShort_ThrowsArgumentException()
    {
        ArrayData a = new Int64Array.Builder().AppendRange([0, 10]).Build().Data;
        var data = new ArrayData(new StructType([new Field("a", IntType.Int64)]), 2, 0, 1, [ArrowBuffer.Empty], [a]);
        Assert.That(() => new StructArray(data), Throws.ArgumentException);
    }

    [Test]
    public void FixedSizeListData_WithOffset_AddressesChildBySize()
    {
        ArrayData values = new UInt8Array.Builder().AppendRange([0, 1, 2, 3, 4, 5]).Build().Data;
        var array = new FixedSizeListArray(new ArrayData(new FixedSizeListType(IntType.UInt8, 2), 1, 0, 2, [ArrowBuffer.Empty], [values]));
        Assert.That(((UInt8Array)array.GetSlice(0)).Values.ToArray(), Is.EqualTo(new byte[] { 4, 5 }));
    }

    [Test]
    public void DictionaryData_WithOffset_DecodesWindow()
    {
        ArrayData dictionary = new StringArray.Builder().AppendRange(["a", "b"]).Build().Data;
        var data = new ArrayData(new DictionaryType(IntType.UInt16, Utf8Type.Default), 2, 0, 1, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<ushort>([0, 1, 0])], null, dictionary);
        var array = new DictionaryArray(data);
        Assert.Multiple(() =>
        {
            Assert.That(array.GetIndex(0), Is.EqualTo(1));
            Assert.That(((UInt16Array)array.Indices).Values.ToArray(), Is.EqualTo(new ushort[] { 1, 0 }));
            Assert.That(((StringArray)array.Dictionary).GetString(array.GetDictionaryIndex(1)), Is.EqualTo("a"));
        });
    }

    [Test]
    public void DictionaryIndexOutsideDictionary_ThrowsArgumentOutOfRange()
    {
        ArrayData dictionary = new StringArray.Builder().Append("a").Build().Data;
        var array = new DictionaryArray(new ArrayData(new DictionaryType(IntType.Int8, Utf8Type.Default), 1, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<sbyte>([5])], null, dictionary));
        Assert.That(() => array.GetDictionaryIndex(0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void UnionData_UnknownTypeId_ThrowsArgumentOutOfRange()
    {
        var type = new UnionType([new Field("a", IntType.Int32)], UnionMode.Sparse, [3]);
        ArrayData child = new Int32Array.Builder().Append(1).Build().Data;
        var array = new SparseUnionArray(new ArrayData(type, 1, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<sbyte>([4])], [child]));
        Assert.That(() => array.GetChildIndex(0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void DenseUnionData_WrongMode_ThrowsArgumentException()
    {
        var type = new UnionType([new Field("a", IntType.Int32)], UnionMode.Sparse);
        ArrayData child = new Int32Array.Builder().Append(1).Build().Data;
        var data = new ArrayData(type, 1, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<sbyte>([0]), ArrowBuffer.FromSpan<int>([0])], [child]);
        Assert.That(() => new DenseUnionArray(data), Throws.ArgumentException);
    }
}
