using DataBridge.Arrow;

namespace DataBridge.Tests.Arrow;

public class BooleanAndNullArrayTests
{
    [Test]
    public void BooleanBuilder_ValuesAndNulls_ReadBack()
    {
        BooleanArray array = new BooleanArray.Builder().Append(true).AppendNull().Append(false).Append((bool?)true).Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.EqualTo(4));
            Assert.That(array.NullCount, Is.EqualTo(1));
            Assert.That(array.GetNullable(0), Is.True);
            Assert.That(array.GetNullable(1), Is.Null);
            Assert.That(array.GetNullable(2), Is.False);
            Assert.That(array.GetValue(3), Is.True);
            Assert.That(array.Data.Buffers[1].Span[0], Is.EqualTo(0b1001));
        });
    }

    [Test]
    public void BooleanArray_SliceAtUnalignedBit_ReadsRightBits()
    {
        var values = new bool[70];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i % 3 == 0;
        }

        var builder = new BooleanArray.Builder().AppendRange(values);
        builder.AppendNull();
        var slice = (BooleanArray)builder.Build().Slice(5, 66);
        Assert.Multiple(() =>
        {
            for (int i = 0; i < 65; i++)
            {
                Assert.That(slice.GetNullable(i), Is.EqualTo((i + 5) % 3 == 0), $"element {i}");
            }

            Assert.That(slice.GetNullable(65), Is.Null);
            Assert.That(slice.NullCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void BooleanArray_ValuesBitmapTooShort_ThrowsArgumentException()
    {
        var data = new ArrayData(BooleanType.Default, 9, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(new byte[1])]);
        Assert.That(() => new BooleanArray(data), Throws.ArgumentException);
    }

    [Test]
    public void BooleanArray_ValidityTooShort_ThrowsArgumentException()
    {
        var data = new ArrayData(BooleanType.Default, 9, -1, 0, [new ArrowBuffer(new byte[1]), new ArrowBuffer(new byte[2])]);
        Assert.That(() => new BooleanArray(data), Throws.ArgumentException);
    }

    [Test]
    public void EmptyBooleanArray_HasNoBuffers()
    {
        BooleanArray array = new BooleanArray.Builder().Build();
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.Zero);
            Assert.That(array.Data.Buffers[1].IsEmpty, Is.True);
            Assert.That(() => array.GetValue(0), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void NullBuilder_CountsNulls()
    {
        NullArray array = new NullArray.Builder().AppendNull().AppendNulls(4).Build();
        var slice = (NullArray)array.Slice(1, 2);
        Assert.Multiple(() =>
        {
            Assert.That(array.Length, Is.EqualTo(5));
            Assert.That(array.NullCount, Is.EqualTo(5));
            Assert.That(array.IsNull(3), Is.True);
            Assert.That(slice.NullCount, Is.EqualTo(2));
            Assert.That(new NullArray(0).Length, Is.Zero);
            Assert.That(ArrowArray.Create(array.Data), Is.TypeOf<NullArray>());
        });
    }

    [Test]
    public void NullArray_WrongType_ThrowsArgumentException() =>
        Assert.That(() => new NullArray(new Int32Array.Builder().Build().Data), Throws.ArgumentException);
}
