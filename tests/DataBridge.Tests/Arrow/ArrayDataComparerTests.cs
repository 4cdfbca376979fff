using DataBridge.Arrow;
using DataBridge.Tests.Support;

using DataBridge.Tests.Ipc;

namespace DataBridge.Tests.Arrow;

public class ArrayDataComparerTests
{
    [Test]
    public void NestedDifference_ReportsPathAndIndex()
    {
        var type = new StructType([new Field("a", Int8Type.Default, true), new Field("b", new ListType(Int32Type.Default), true)]);
        var schema = new Schema([new Field("col", type, true)], null);
        using var e = new RecordBatch(schema, [Build(type, [1, 2, 3, 4, 5, 6])], 2);
        using var a = new RecordBatch(schema, [Build(type, [1, 2, 3, 4, 5, 7])], 2);
        Assert.That(ArrayDataComparer.FirstDifference(e, a), Is.EqualTo("col[1].b.item[2]: 6 != 7"));
    }

    [Test]
    public void Slices_CompareByLogicalValues()
    {
        Int32Array source = new Int32Array.Builder().AppendRange([9, 1, 2, 3]).Build();
        Int32Array copy = new Int32Array.Builder().AppendRange([1, 2, 3]).Build();
        Assert.Multiple(() =>
        {
            Assert.That(ArrayDataComparer.AreEqual(source.Slice(1, 3), copy), Is.True);
            Assert.That(ArrayDataComparer.FirstDifference(source.Slice(0, 3), copy), Is.EqualTo("array[0]: 9 != 1"));
            Assert.That(ArrayDataComparer.FirstDifference(source, copy), Is.EqualTo("array: length 4 != 3"));
        });
    }

    [Test]
    public void NullSlotContents_AndAllValidBitmap_AreIgnored()
    {
        var withGarbage = new Int32Array(new ArrayData(Int32Type.Default, 2, 1, 0, [new ArrowBuffer(new byte[] { 0b01 }), IpcTestData.BufferOf<int>([5, 12345])]));
        Int32Array clean = new Int32Array.Builder().Append(5).AppendNull().Build();
        var allValid = new Int32Array(new ArrayData(Int32Type.Default, 2, 0, 0, [new ArrowBuffer(new byte[] { 0b11 }), IpcTestData.BufferOf<int>([1, 2])]));
        Int32Array noBitmap = new Int32Array.Builder().AppendRange([1, 2]).Build();
        Assert.Multiple(() =>
        {
            Assert.That(ArrayDataComparer.AreEqual(withGarbage, clean), Is.True);
            Assert.That(ArrayDataComparer.AreEqual(allValid, noBitmap), Is.True);
            Assert.That(ArrayDataComparer.FirstDifference(clean, noBitmap), Is.EqualTo("array: null count 1 != 0"));
        });
    }

    [Test]
    public void NullVersusValue_IsReported()
    {
        StringArray a = new StringArray.Builder().Append("x").AppendNull().Build();
        StringArray b = new StringArray.Builder().AppendNull().Append("x").Build();
        StringArray c = new StringArray.Builder().Append("x").Append("y").Build();
        Assert.Multiple(() =>
        {
            Assert.That(ArrayDataComparer.FirstDifference(a, b), Is.EqualTo("array[0]: \"x\" != null"));
            Assert.That(ArrayDataComparer.FirstDifference(a.Data, c.Data), Is.EqualTo("array: null count 1 != 0"));
        });
    }

    [Test]
    public void Floats_NaNEqualsNaN_NegativeZeroDiffersFromZero()
    {
        DoubleArray nan1 = new DoubleArray.Builder().Append(double.NaN).Build();
        DoubleArray nan2 = new DoubleArray.Builder().Append(BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_0000_0001UL))).Build();
        DoubleArray zero = new DoubleArray.Builder().Append(0.0).Build();
        DoubleArray negativeZero = new DoubleArray.Builder().Append(-0.0).Build();
        FloatArray fnan = new FloatArray.Builder().Append(float.NaN).Build();
        HalfFloatArray hnan = new HalfFloatArray.Builder().Append(Half.NaN).Build();
        Assert.Multiple(() =>
        {
            Assert.That(ArrayDataComparer.AreEqual(nan1, nan2), Is.True);
            Assert.That(ArrayDataComparer.AreEqual(fnan, new FloatArray.Builder().Append(-float.NaN).Build()), Is.True);
            Assert.That(ArrayDataComparer.AreEqual(hnan, new HalfFloatArray.Builder().Append(Half.NaN).Build()), Is.True);
            Assert.That(ArrayDataComparer.FirstDifference(zero, negativeZero), Is.EqualTo("array[0]: 0 != -0"));
        });
    }

    [Test]
    public void Dictionaries_CompareDecodedValuesIgnoringThePhysicalDictionary()
    {
        var type = new DictionaryType(Int32Type.Default, StringType.Default, false);
        ArrayData a = IpcTestData.Dictionary(type, IpcTestData.Utf8("p", "q"), 0, 1, 0);
        // Same logical values, other dictionary order and a duplicate entry.
        ArrayData b = IpcTestData.Dictionary(type, IpcTestData.Utf8("q", "p", "q"), 1, 2, 1);
        ArrayData otherIndex = IpcTestData.Dictionary(new DictionaryType(Int8Type.Default, StringType.Default, false), IpcTestData.Utf8("p", "q"), 0, 1, 0);
        ArrayData otherValue = IpcTestData.Dictionary(type, IpcTestData.Utf8("p", "q"), 0, 1, 1);
        Assert.Multiple(() =>
        {
            Assert.That(ArrayDataComparer.AreEqual(a, b), Is.True);
            Assert.That(ArrayDataComparer.FirstDifference(a, otherIndex), Does.StartWith("array: type"));
            Assert.That(ArrayDataComparer.FirstDifference(a, otherValue), Is.EqualTo("array[2]: \"p\" != \"q\""));
        });
    }

    [Test]
    public void DictionaryTypesInsideNestedTypes_CompareStructurally()
    {
        // Apache's types compare by reference: two equal types built apart must still be equal here.
        var t1 = new ListType(new DictionaryType(Int16Type.Default, StringType.Default, false));
        var t2 = new ListType(new DictionaryType(Int16Type.Default, StringType.Default, false));
        Assert.Multiple(() =>
        {
            Assert.That(ArrayDataComparer.TypesEqual(t1, t2), Is.True);
            Assert.That(ArrayDataComparer.TypesEqual(t1, new ListType(new DictionaryType(Int16Type.Default, StringType.Default, true))), Is.False);
            Assert.That(ArrayDataComparer.TypesEqual(new ListType(Int32Type.Default), new ListType(new Field("item", Int32Type.Default, false))), Is.False);
        });
    }

    [Test]
    public void Unions_CompareSelectedChildValues()
    {
        var type = IpcTestData.UnionOf(UnionMode.Dense, null, new Field("i", Int32Type.Default, true), new Field("s", StringType.Default, true));
        ArrayData u1 = IpcTestData.Union(type, [0, 1], [0, 0], IpcTestData.Int32(1), IpcTestData.Utf8("z"));
        ArrayData u2 = IpcTestData.Union(type, [0, 0], [0, 1], IpcTestData.Int32(1, 2), IpcTestData.Utf8());
        Assert.That(ArrayDataComparer.FirstDifference(u1, u2), Is.EqualTo("array[1]: union type id 1 != 0"));
    }

    [Test]
    public void RecordBatches_SchemaDifferencesAreReported()
    {
        Int32Array column = new Int32Array.Builder().Append(1).Build();
        using var a = new RecordBatch(new Schema([new Field("x", Int32Type.Default, true)], null), [column], 1);
        using var b = new RecordBatch(new Schema([new Field("y", Int32Type.Default, true)], null), [column], 1);
        using var c = new RecordBatch(new Schema([new Field("x", Int32Type.Default, false)], null), [column], 1);
        using var d = new RecordBatch(new Schema([new Field("x", Int32Type.Default, true)], [new("k", "v")]), [column], 1);
        Assert.Multiple(() =>
        {
            Assert.That(ArrayDataComparer.FirstDifference(a, b), Is.EqualTo("x: field name 'x' != 'y'"));
            Assert.That(ArrayDataComparer.FirstDifference(a, c), Is.EqualTo("x: nullable True != False"));
            Assert.That(ArrayDataComparer.FirstDifference(a, d), Is.EqualTo("schema: metadata differs"));
            Assert.That(ArrayDataComparer.AreEqual(a, a.Slice(0, 1)), Is.True);
        });
    }

    [Test]
    public void GeneratedArrays_EqualThemselvesAndTheirSlices()
    {
        var random = new Random(11);
        foreach (IArrowType type in ArrowGenerators.PrimitiveTypes)
        {
            IArrowArray array = ArrowGenerators.RandomArray(type, 30, random);
            Assert.That(ArrayDataComparer.FirstDifference(array, array), Is.Null, ArrowTypeText.Of(type));
            Assert.That(ArrayDataComparer.FirstDifference(ArrowArrayFactory.Slice(array, 5, 10), ArrowArrayFactory.BuildArray(ArrowGenerators.SliceData(array.Data, 5, 10))), Is.Null, ArrowTypeText.Of(type));
        }
    }

    private static StructArray Build(StructType type, int[] values)
    {
        // Two structs: a = values[0], b = [values[1]]; a = values[2], b = values[3..6].
        ArrayData a = IpcTestData.Primitive<sbyte>(Int8Type.Default, (sbyte)values[0], (sbyte)values[2]);
        ArrayData b = IpcTestData.List(type.Fields[1].DataType, IpcTestData.Int32([values[1], .. values.Skip(3).Cast<int?>()]), [0, 1, values.Length - 2]);
        return new StructArray(IpcTestData.Struct(type, 2, [a, b]));
    }
}
