using DataBridge.Arrow;
using DataBridge.Tests.Ipc;

namespace DataBridge.Tests;

public class ArrayDataTests
{
    [Test]
    public void Slice_KeepsBuffersAndCountsNullsInWindow()
    {
        byte[] validity = [0b1111_0101];
        var data = new ArrayData(Int32Type.Default, 8, -1, 0, [new ArrowBuffer(validity), IpcTestData.BufferOf<int>([1, 2, 3, 4, 5, 6, 7, 8])]);
        Assert.That(data.GetNullCount(), Is.EqualTo(2));
        ArrayData slice = data.Slice(1, 3);
        Assert.Multiple(() =>
        {
            Assert.That(slice.GetNullCount(), Is.EqualTo(2));
            Assert.That(SlotReader.IsValid(slice, slice.Offset + 0), Is.False);
            Assert.That(SlotReader.IsValid(slice, slice.Offset + 1), Is.True);
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
