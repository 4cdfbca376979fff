using DataBridge.Arrow.Memory;

namespace DataBridge.Tests.Support;

/// <summary>An allocator that records the size of every allocation (the base class counts them).</summary>
internal sealed class CountingAllocator : ArrowMemoryAllocator
{
    private readonly List<int> _sizes = [];

    public IReadOnlyList<int> Sizes => _sizes;

    protected override Memory<byte> AllocateCore(int length)
    {
        _sizes.Add(length);
        return Default.Allocate(length);
    }
}
