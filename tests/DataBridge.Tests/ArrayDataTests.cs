using DataBridge.Arrow;

namespace DataBridge.Tests;

public class ArrayDataTests
{
    [Test]
    public void Slice_KeepsBuffersAndCountsNullsInWindow()
    {
        byte[] validity = [0b1111_0101];
        var data = new ArrayData(IntType.Int32, 8, -1, 0, [new ArrowBuffer(validity), ArrowBuffer.FromSpan<int>([1, 2, 3, 4, 5, 6, 7, 8])]);
        Assert.That(data.NullCount, Is.EqualTo(2));
        ArrayData slice = data.Slice(1, 3);
        Assert.Multiple(() =>
        {
            Assert.That(slice.NullCount, Is.EqualTo(2));
            Assert.That(slice.IsNull(0), Is.True);
            Assert.That(slice.IsNull(1), Is.False);
            Assert.That(slice.Buffers[1], Is.EqualTo(data.Buffers[1]));
        });
    }

    [Test]
    public void CopyBits_ReBasesUnalignedBitmap()
    {
        byte[] src = [0b1010_1100, 0b0000_0011];
        var dst = new byte[2];
        BitOps.CopyBits(src, 3, dst, 9);
        for (int i = 0; i < 9; i++)
        {
            Assert.That(BitOps.GetBit(dst, i), Is.EqualTo(BitOps.GetBit(src, i + 3)), $"bit {i}");
        }
    }
}
