using DataBridge.Arrow;
using DataBridge.Arrow.Memory;

namespace DataBridge.Tests.Arrow;

/// <summary>
/// The values of a fixed-width builder come from memory that is not zeroed first (a pass saved on every large
/// <c>ArrowFrame.FromColumns</c>); every byte a built array exposes is still written: values, and default(T) under a null.
/// </summary>
[TestFixture]
public sealed class FixedWidthBuilderTests
{
    [Test]
    public void ValuesOverUninitializedMemory_HoldWhatWasAppended_AndZeroUnderNulls()
    {
        var allocator = new GarbageAllocator();
        var builder = new FixedWidthBuilder<long>(allocator);
        builder.Append(7);
        builder.AppendNull();
        builder.AppendRange([1, 2, 3]);
        builder.AppendNull();

        var array = new Int64Array(builder.Build(Int64Type.Default));

        Assert.Multiple(() =>
        {
            Assert.That(allocator.Uninitialized, Is.GreaterThan(0), "the values came from memory that was not zeroed");
            Assert.That(array.Values.ToArray(), Is.EqualTo(new long[] { 7, 0, 1, 2, 3, 0 }), "nothing of the garbage shows, not even under a null");
            Assert.That(array.NullCount, Is.EqualTo(2));
            Assert.That(array.ValueBuffer.Length, Is.EqualTo(6 * sizeof(long)), "a built buffer exposes exactly its length");
        });
    }

    // Hands out uninitialized memory filled with 0xAB, as a reused heap block might be.
    private sealed class GarbageAllocator : ArrowMemoryAllocator
    {
        public int Uninitialized { get; private set; }

        protected override Memory<byte> AllocateCore(int length) => Default.Allocate(length);

        protected override Memory<byte> AllocateUninitializedCore(int length)
        {
            Uninitialized++;
            Memory<byte> memory = Default.AllocateUninitialized(length);
            memory.Span.Fill(0xAB);
            return memory;
        }
    }
}
