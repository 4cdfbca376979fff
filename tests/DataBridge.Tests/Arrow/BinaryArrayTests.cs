using System.Text;
using DataBridge.Arrow;

namespace DataBridge.Tests.Arrow;

public class BinaryArrayTests
{
    [Test]
    public void StringBuilder_ValuesNullsAndEmpty_ReadBack()
    {
        StringArray array = new StringArray.Builder().Append("héllo").AppendNull().Append(string.Empty).Append("x").Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.EqualTo(4));
            Assert.That(array.NullCount, Is.EqualTo(1));
            Assert.That(array.GetString(0), Is.EqualTo("héllo"));
            Assert.That(array.GetString(1), Is.Null);
            Assert.That(array.GetString(2), Is.EqualTo(string.Empty));
            Assert.That(array.GetString(3), Is.EqualTo("x"));
            Assert.That(array.ValueOffsets.ToArray(), Is.EqualTo(new[] { 0, 6, 6, 6, 7 }));
            Assert.That(array.GetValueLength(0), Is.EqualTo(6));
        });
    }

    [Test]
    public void StringArray_Slice_UsesOffsetsOfWindow()
    {
        StringArray array = new StringArray.Builder().AppendRange(["a", "bb", null, "dddd", "e"]).Build();
        var slice = (StringArray)array.Slice(1, 3);
        Assert.Multiple(() =>
        {
            Assert.That(slice.GetString(0), Is.EqualTo("bb"));
            Assert.That(slice.GetString(1), Is.Null);
            Assert.That(slice.GetString(2), Is.EqualTo("dddd"));
            Assert.That(slice.ValueOffsets.ToArray(), Is.EqualTo(new[] { 1, 3, 3, 7 }));
            Assert.That(slice.NullCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void EmptyStringArray_HasOneZeroOffset()
    {
        StringArray array = new StringArray.Builder().Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.Zero);
            Assert.That(array.Data.Buffers[1].Length, Is.EqualTo(4));
            Assert.That(array.ValueOffsets.ToArray(), Is.EqualTo(new[] { 0 }));
        });
    }

    [Test]
    public void EmptyArray_WithoutOffsetsBuffer_IsAccepted()
    {
        var array = new StringArray(new ArrayData(Utf8Type.Default, 0, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.Empty, ArrowBuffer.Empty]));
        Assert.That(array.ValueOffsets.IsEmpty, Is.True);
    }

    [Test]
    public void OffsetsNotStartingAtZero_AreHonoured()
    {
        byte[] data = Encoding.UTF8.GetBytes("xxabcde");
        var array = new StringArray(new ArrayData(Utf8Type.Default, 2, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<int>([2, 4, 7]), new ArrowBuffer(data)]));
        Assert.Multiple(() =>
        {
            Assert.That(array.GetString(0), Is.EqualTo("ab"));
            Assert.That(array.GetString(1), Is.EqualTo("cde"));
        });
    }

    [Test]
    public void Constructor_OffsetsBufferTooShort_ThrowsArgumentException()
    {
        var data = new ArrayData(BinaryType.Default, 2, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<int>([0, 1]), new ArrowBuffer(new byte[3])]);
        Assert.That(() => new BinaryArray(data), Throws.ArgumentException);
    }

    [Test]
    public void GetBytes_LastOffsetBeyondData_ThrowsArgumentOutOfRange()
    {
        var array = new BinaryArray(new ArrayData(BinaryType.Default, 1, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<int>([0, 9]), new ArrowBuffer(new byte[3])]));
        Assert.That(() => array.GetBytes(0).Length, Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void GetBytes_MalformedInnerOffset_ThrowsArgumentOutOfRange()
    {
        var data = new ArrayData(BinaryType.Default, 2, 0, 0, [ArrowBuffer.Empty, ArrowBuffer.FromSpan<int>([0, 9, 3]), new ArrowBuffer(new byte[3])]);
        var array = new BinaryArray(data);
        Assert.That(() => array.GetBytes(0).Length, Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void LargeString_Int64Offsets()
    {
        LargeStringArray array = new LargeStringArray.Builder().Append("ab").AppendNull().Append("c").Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.ValueOffsets.ToArray(), Is.EqualTo(new[] { 0L, 2L, 2L, 3L }));
            Assert.That(array.GetString(0), Is.EqualTo("ab"));
            Assert.That(array.GetString(1), Is.Null);
            Assert.That(((LargeStringArray)array.Slice(2, 1)).GetString(0), Is.EqualTo("c"));
            Assert.That(ArrowArray.Create(array.Data), Is.TypeOf<LargeStringArray>());
        });
    }

    [Test]
    public void Binary_AndLargeBinary_ReadBytes()
    {
        BinaryArray binary = new BinaryArray.Builder().Append([1, 2]).AppendNull().Append([]).Build();
        LargeBinaryArray large = new LargeBinaryArray.Builder().Append([3]).Build();
        Assert.Multiple(() =>
        {
            Assert.That(binary.GetBytes(0).ToArray(), Is.EqualTo(new byte[] { 1, 2 }));
            Assert.That(binary.IsNull(1), Is.True);
            Assert.That(binary.GetBytes(2).IsEmpty, Is.True);
            Assert.That(large.GetBytes(0).ToArray(), Is.EqualTo(new byte[] { 3 }));
            Assert.That(ArrowArray.Create(binary.Data), Is.TypeOf<BinaryArray>());
        });
    }

    [Test]
    public void FixedSizeBinary_ValuesNullsSlices()
    {
        var type = new FixedSizeBinaryType(3);
        FixedSizeBinaryArray array = new FixedSizeBinaryArray.Builder(type).Append([1, 2, 3]).AppendNull().Append([7, 8, 9]).Build();
        var slice = (FixedSizeBinaryArray)array.Slice(1, 2);
        Assert.Multiple(() =>
        {
            Assert.That(array.GetBytes(0).ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(array.IsNull(1), Is.True);
            Assert.That(slice.GetBytes(1).ToArray(), Is.EqualTo(new byte[] { 7, 8, 9 }));
            Assert.That(() => new FixedSizeBinaryArray.Builder(type).Append([1]), Throws.ArgumentException);
        });
    }

    [Test]
    public void StringBuilder_AppendFrom_CopiesBytesAndNulls()
    {
        StringArray source = new StringArray.Builder().Append("a").AppendNull().Build();
        var builder = new StringArray.Builder();
        builder.AppendFrom(source, 1);
        builder.AppendFrom(source, 0);
        StringArray copy = builder.Build();
        Assert.Multiple(() =>
        {
            Assert.That(copy.GetString(0), Is.Null);
            Assert.That(copy.GetString(1), Is.EqualTo("a"));
        });
    }
}
