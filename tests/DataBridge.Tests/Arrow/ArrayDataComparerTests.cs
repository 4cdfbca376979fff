using DataBridge.Arrow;
using DataBridge.Tests.Support;

namespace DataBridge.Tests.Arrow;

public class ArrayDataComparerTests
{
    [Test]
    public void NestedDifference_ReportsPathAndIndex()
    {
        var type = new StructType([new Field("a", IntType.Int8), new Field("b", new ListType(IntType.Int32))]);
        ArrowArray expected = Build(type, [1, 2, 3, 4, 5, 6]);
        ArrowArray actual = Build(type, [1, 2, 3, 4, 5, 7]);
        var schema = new Schema([new Field("col", type)]);
        using var e = new RecordBatch(schema, [expected], 2);
        using var a = new RecordBatch(schema, [actual], 2);
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
        var withGarbage = new Int32Array(new ArrayData(IntType.Int32, 2, 1, 0, [new ArrowBuffer(new byte[] { 0b01 }), ArrowBuffer.FromSpan<int>([5, 12345])]));
        Int32Array clean = new Int32Array.Builder().Append(5).AppendNull().Build();
        var allValid = new Int32Array(new ArrayData(IntType.Int32, 2, 0, 0, [new ArrowBuffer(new byte[] { 0b11 }), ArrowBuffer.FromSpan<int>([1, 2])]));
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
    public void Dictionaries_CompareDecodedValuesIgnoringIds()
    {
        DictionaryArray a = new DictionaryArray.Builder(new DictionaryType(IntType.Int32, Utf8Type.Default, false, 1)).Append("p").Append("q").Append("p").Build();
        // Same logical values, other id, other dictionary order and a duplicate entry.
        StringArray dictionary = new StringArray.Builder().AppendRange(["q", "p", "q"]).Build();
        var b = new DictionaryArray(new ArrayData(
            new DictionaryType(IntType.Int32, Utf8Type.Default, false, 9), 3, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<int>([1, 2, 1])], null, dictionary.Data));
        DictionaryArray otherIndex = new DictionaryArray.Builder(new DictionaryType(IntType.Int8, Utf8Type.Default)).Append("p").Append("q").Append("p").Build();
        DictionaryArray otherValue = new DictionaryArray.Builder(new DictionaryType(IntType.Int32, Utf8Type.Default)).Append("p").Append("q").Append("q").Build();
        Assert.Multiple(() =>
        {
            Assert.That(ArrayDataComparer.AreEqual(a, b), Is.True);
            Assert.That(ArrayDataComparer.FirstDifference(a, otherIndex), Does.StartWith("array: type"));
            Assert.That(ArrayDataComparer.FirstDifference(a, otherValue), Is.EqualTo("array[2]: \"p\" != \"q\""));
        });
    }

    [Test]
    public void DictionaryIdsInsideNestedTypes_AreIgnored()
    {
        var t1 = new ListType(new DictionaryType(IntType.Int16, Utf8Type.Default, false, 3));
        var t2 = new ListType(new DictionaryType(IntType.Int16, Utf8Type.Default, false, null));
        Assert.Multiple(() =>
        {
            Assert.That(ArrayDataComparer.TypesEqual(t1, t2), Is.True);
            Assert.That(ArrayDataComparer.TypesEqual(t1, new ListType(new DictionaryType(IntType.Int16, Utf8Type.Default, true, 3))), Is.False);
            Assert.That(ArrayDataComparer.TypesEqual(new ListType(IntType.Int32), new ListType(new Field("item", IntType.Int32, false))), Is.False);
        });
    }

    [Test]
    public void Unions_CompareSelectedChildValues()
    {
        var type = new UnionType([new Field("i", IntType.Int32), new Field("s", Utf8Type.Default)], UnionMode.Dense);
        var b1 = new DenseUnionArray.Builder(type);
        ((Int32Array.Builder)b1.Append(0)).Append(1);
        ((StringArray.Builder)b1.Append(1)).Append("z");
        var b2 = new DenseUnionArray.Builder(type);
        ((Int32Array.Builder)b2.Append(0)).Append(1);
        ((Int32Array.Builder)b2.Append(0)).Append(2);
        Assert.That(ArrayDataComparer.FirstDifference(b1.Build(), b2.Build()), Is.EqualTo("array[1]: union type id 1 != 0"));
    }

    [Test]
    public void RecordBatches_SchemaDifferencesAreReported()
    {
        Int32Array column = new Int32Array.Builder().Append(1).Build();
        using var a = new RecordBatch(new Schema([new Field("x", IntType.Int32)]), [column], 1);
        using var b = new RecordBatch(new Schema([new Field("y", IntType.Int32)]), [column], 1);
        using var c = new RecordBatch(new Schema([new Field("x", IntType.Int32, false)]), [column], 1);
        using var d = new RecordBatch(new Schema([new Field("x", IntType.Int32)], [new("k", "v")]), [column], 1);
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
        foreach (ArrowType type in ArrowGenerators.PrimitiveTypes)
        {
            ArrowArray array = ArrowGenerators.RandomArray(type, 30, random);
            Assert.That(ArrayDataComparer.FirstDifference(array, array), Is.Null, type.ToString());
            Assert.That(ArrayDataComparer.FirstDifference(array.Slice(5, 10), ArrowArray.Create(array.Data.Slice(5, 10))), Is.Null, type.ToString());
        }
    }

    private static StructArray Build(StructType type, int[] values)
    {
        // Two structs: a = values[0], b = [values[1]]; a = values[2], b = values[3..6].
        var builder = new StructArray.Builder(type);
        var a = builder.GetFieldBuilder<Int8Array.Builder>(0);
        var b = builder.GetFieldBuilder<ListArray.Builder>(1);
        var items = b.GetValueBuilder<Int32Array.Builder>();
        a.Append((sbyte)values[0]);
        b.Append();
        items.Append(values[1]);
        builder.Append();
        a.Append((sbyte)values[2]);
        b.Append();
        items.AppendRange(values.AsSpan(3));
        builder.Append();
        return builder.Build();
    }
}
