using DataBridge.Arrow;

namespace DataBridge.Tests.Arrow;

public class NestedArrayTests
{
    private static ListArray BuildIntLists()
    {
        // [[1, 2], null, [], [3]]
        var builder = new ListArray.Builder(new ListType(IntType.Int32));
        var values = builder.GetValueBuilder<Int32Array.Builder>();
        builder.Append();
        values.Append(1).Append(2);
        builder.AppendNull();
        builder.Append();
        builder.Append();
        values.Append(3);
        return builder.Build();
    }

    [Test]
    public void ListBuilder_ValuesNullsAndEmptyLists()
    {
        ListArray array = BuildIntLists();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.EqualTo(4));
            Assert.That(array.NullCount, Is.EqualTo(1));
            Assert.That(array.ValueOffsets.ToArray(), Is.EqualTo(new[] { 0, 2, 2, 2, 3 }));
            Assert.That(((Int32Array)array.GetSlice(0)).Values.ToArray(), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(array.IsNull(1), Is.True);
            Assert.That(array.GetValueLength(2), Is.Zero);
            Assert.That(((Int32Array)array.GetSlice(3)).GetValue(0), Is.EqualTo(3));
            Assert.That(array.Values, Is.TypeOf<Int32Array>());
        });
    }

    [Test]
    public void ListArray_Slice_KeepsOffsetsIntoWholeChild()
    {
        var slice = (ListArray)BuildIntLists().Slice(2, 2);
        Assert.Multiple(() =>
        {
            Assert.That(slice.GetValueOffset(1), Is.EqualTo(2));
            Assert.That(((Int32Array)slice.GetSlice(1)).Values.ToArray(), Is.EqualTo(new[] { 3 }));
            Assert.That(slice.NullCount, Is.Zero);
        });
    }

    [Test]
    public void EmptyList_HasOneOffset()
    {
        ListArray array = new ListArray.Builder(new ListType(Utf8Type.Default)).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.Zero);
            Assert.That(array.ValueOffsets.ToArray(), Is.EqualTo(new[] { 0 }));
            Assert.That(array.Values.Length, Is.Zero);
        });
    }

    [Test]
    public void LargeList_Int64Offsets()
    {
        var builder = new LargeListArray.Builder(new StringArray.Builder());
        builder.Append();
        builder.GetValueBuilder<StringArray.Builder>().Append("a").Append("b");
        builder.AppendNull();
        LargeListArray array = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.ValueOffsets.ToArray(), Is.EqualTo(new[] { 0L, 2L, 2L }));
            Assert.That(((StringArray)array.GetSlice(0)).GetString(1), Is.EqualTo("b"));
            Assert.That(array.Type, Is.EqualTo(new LargeListType(Utf8Type.Default)));
        });
    }

    [Test]
    public void FixedSizeList_NullsOccupySlots()
    {
        var builder = new FixedSizeListArray.Builder(new FixedSizeListType(IntType.Int16, 2));
        var values = builder.GetValueBuilder<Int16Array.Builder>();
        builder.Append();
        values.Append(1).Append(2);
        builder.AppendNull();
        builder.Append();
        values.Append(5).AppendNull();
        FixedSizeListArray array = builder.Build();
        var slice = (FixedSizeListArray)array.Slice(1, 2);
        Assert.Multiple(() =>
        {
            Assert.That(array.Values.Length, Is.EqualTo(6));
            Assert.That(array.IsNull(1), Is.True);
            Assert.That(slice.GetValueOffset(1), Is.EqualTo(4));
            var last = (Int16Array)slice.GetSlice(1);
            Assert.That(last.GetNullable(0), Is.EqualTo((short)5));
            Assert.That(last.GetNullable(1), Is.Null);
        });
    }

    [Test]
    public void FixedSizeListBuilder_WrongValueCount_ThrowsOnBuild()
    {
        var builder = new FixedSizeListArray.Builder(new FixedSizeListType(IntType.Int16, 2));
        builder.Append();
        builder.GetValueBuilder<Int16Array.Builder>().Append(1);
        Assert.That(() => builder.Build(), Throws.InvalidOperationException);
    }

    [Test]
    public void Struct_GetChild_IsSlicedToWindow()
    {
        var type = new StructType([new Field("a", IntType.Int32), new Field("b", Utf8Type.Default)]);
        var builder = new StructArray.Builder(type);
        var a = builder.GetFieldBuilder<Int32Array.Builder>(0);
        var b = builder.GetFieldBuilder<StringArray.Builder>(1);
        for (int i = 0; i < 5; i++)
        {
            a.Append(i);
            b.Append(i % 2 == 0 ? null : $"s{i}");
            builder.Append();
        }

        builder.AppendNull();
        StructArray array = builder.Build();
        var slice = (StructArray)array.Slice(3, 3);
        Assert.Multiple(() =>
        {
            Assert.That(array.NullCount, Is.EqualTo(1));
            Assert.That(slice.GetChild(0).Length, Is.EqualTo(3));
            Assert.That(((Int32Array)slice.GetChild("a")).GetNullable(0), Is.EqualTo(3));
            Assert.That(((StringArray)slice.GetChild(1)).GetString(0), Is.EqualTo("s3"));
            Assert.That(((StringArray)slice.GetChild(1)).GetString(1), Is.Null);
            Assert.That(slice.IsNull(2), Is.True);
            Assert.That(((Int32Array)slice.GetChild(0)).IsNull(2), Is.True);
            Assert.That(() => slice.GetChild("zz"), Throws.TypeOf<KeyNotFoundException>());
        });
    }

    [Test]
    public void StructBuilder_MisalignedChildren_ThrowsOnBuild()
    {
        var builder = new StructArray.Builder(new StructType([new Field("a", IntType.Int32)]));
        builder.Append();
        Assert.That(() => builder.Build(), Throws.InvalidOperationException);
    }

    [Test]
    public void Map_KeysAndItemsPerEntry()
    {
        var type = new MapType(Utf8Type.Default, IntType.Int64);
        var builder = new MapArray.Builder(type);
        var keys = (StringArray.Builder)builder.KeyBuilder;
        var values = (Int64Array.Builder)builder.ValueBuilder;
        builder.Append();
        keys.Append("x");
        values.Append(1);
        keys.Append("y");
        values.AppendNull();
        builder.AppendNull();
        builder.Append();
        keys.Append("z");
        values.Append(3);
        MapArray array = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Type, Is.EqualTo(type));
            Assert.That(array.GetValueLength(0), Is.EqualTo(2));
            Assert.That(((StringArray)array.Keys).GetString(1), Is.EqualTo("y"));
            Assert.That(((Int64Array)array.Items).GetNullable(1), Is.Null);
            Assert.That(array.IsNull(1), Is.True);
            Assert.That(((StringArray)array.Keys).GetString(array.GetValueOffset(2)), Is.EqualTo("z"));
            Assert.That(ArrowArray.Create(array.Data), Is.TypeOf<MapArray>());
        });
    }

    [Test]
    public void MapBuilder_NullKey_ThrowsOnBuild()
    {
        var builder = new MapArray.Builder(new MapType(Utf8Type.Default, IntType.Int64));
        builder.Append();
        builder.KeyBuilder.AppendNull();
        builder.ValueBuilder.AppendNull();
        Assert.That(() => builder.Build(), Throws.InvalidOperationException);
    }

    private static UnionType MakeUnionType(UnionMode mode) =>
        new([new Field("i", IntType.Int32), new Field("s", Utf8Type.Default)], mode, [5, 7]);

    [Test]
    public void SparseUnion_PadsOtherChildren()
    {
        var builder = new SparseUnionArray.Builder(MakeUnionType(UnionMode.Sparse));
        ((Int32Array.Builder)builder.Append(0)).Append(42);
        ((StringArray.Builder)builder.Append(1)).Append("hi");
        builder.AppendNull();
        SparseUnionArray array = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.EqualTo(3));
            Assert.That(array.TypeIds.ToArray(), Is.EqualTo(new sbyte[] { 5, 7, 5 }));
            Assert.That(array.GetChild(0).Length, Is.EqualTo(3));
            Assert.That(array.GetChild(1).Length, Is.EqualTo(3));
            Assert.That(array.GetChildIndex(1), Is.EqualTo(1));
            Assert.That(((StringArray)array.GetChild(1)).GetString(array.GetValueOffset(1)), Is.EqualTo("hi"));
            Assert.That(array.IsValueNull(2), Is.True);
            Assert.That(array.IsValueNull(0), Is.False);
            Assert.That(array.Data.Validity.IsEmpty, Is.True);
            var slice = (SparseUnionArray)array.Slice(1, 2);
            Assert.That(slice.GetValueOffset(0), Is.EqualTo(1));
            Assert.That(slice.GetTypeId(0), Is.EqualTo(7));
        });
    }

    [Test]
    public void SparseUnionBuilder_TwoValuesForOneElement_Throws()
    {
        var builder = new SparseUnionArray.Builder(MakeUnionType(UnionMode.Sparse));
        var child = (Int32Array.Builder)builder.Append(0);
        child.Append(1).Append(2);
        Assert.That(() => builder.Build(), Throws.InvalidOperationException);
    }

    [Test]
    public void DenseUnion_OffsetsIntoChildren()
    {
        var builder = new DenseUnionArray.Builder(MakeUnionType(UnionMode.Dense));
        ((Int32Array.Builder)builder.Append(0)).Append(1);
        ((StringArray.Builder)builder.Append(1)).Append("a");
        ((Int32Array.Builder)builder.Append(0)).Append(2);
        DenseUnionArray array = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.ValueOffsets.ToArray(), Is.EqualTo(new[] { 0, 0, 1 }));
            Assert.That(array.GetChild(0).Length, Is.EqualTo(2));
            Assert.That(array.GetChild(1).Length, Is.EqualTo(1));
            Assert.That(((Int32Array)array.GetChild(0)).GetValue(array.GetValueOffset(2)), Is.EqualTo(2));
            Assert.That(((DenseUnionArray)array.Slice(2, 1)).GetValueOffset(0), Is.EqualTo(1));
        });
    }

    [Test]
    public void DenseUnionBuilder_MissingValue_ThrowsOnBuild()
    {
        var builder = new DenseUnionArray.Builder(MakeUnionType(UnionMode.Dense));
        builder.Append(0);
        Assert.That(() => builder.Build(), Throws.InvalidOperationException);
    }

    [Test]
    public void NestedBuilders_AppendFrom_CopiesDeepValues()
    {
        var type = new ListType(new StructType([new Field("k", Utf8Type.Default), new Field("v", new ListType(IntType.Int8))]));
        var builder = new ListArray.Builder(type);
        var structs = builder.GetValueBuilder<StructArray.Builder>();
        var k = structs.GetFieldBuilder<StringArray.Builder>(0);
        var v = structs.GetFieldBuilder<ListArray.Builder>(1);
        builder.Append();
        k.Append("a");
        v.Append();
        v.GetValueBuilder<Int8Array.Builder>().Append(1).AppendNull();
        structs.Append();
        structs.AppendNull();
        builder.AppendNull();
        ListArray source = builder.Build();

        var copier = new ListArray.Builder(type);
        copier.AppendFrom(source, 1);
        copier.AppendFrom(source, 0);
        ListArray copy = copier.Build();
        Assert.That(ArrayDataComparer.FirstDifference(copy.Slice(1, 1), source.Slice(0, 1)), Is.Null);
        Assert.That(copy.IsNull(0), Is.True);
    }
}
