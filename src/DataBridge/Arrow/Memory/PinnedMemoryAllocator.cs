namespace DataBridge.Arrow.Memory;

/// <summary>
/// Allocates zeroed, 64-byte aligned memory from the pinned object heap. The block is an ordinary
/// garbage-collected array that never moves, so any <see cref="Memory{T}"/> or <see cref="Span{T}"/>
/// over it keeps it alive: no buffer can dangle and nothing needs to be freed by hand.
/// </summary>
internal sealed class PinnedMemoryAllocator : ArrowMemoryAllocator
{
    /// <inheritdoc />
    protected override Memory<byte> AllocateCore(int length) => Aligned(GC.AllocateArray<byte>(length + Alignment - 1, pinned: true), length);

    /// <inheritdoc />
    protected override Memory<byte> AllocateUninitializedCore(int length) =>
        Aligned(GC.AllocateUninitializedArray<byte>(length + Alignment - 1, pinned: true), length);

    private static unsafe Memory<byte> Aligned(byte[] block, int length)
    {
        fixed (byte* p = block)
        {
            int skew = (int)((nuint)p & (Alignment - 1));
            int start = skew == 0 ? 0 : Alignment - skew;
            return new Memory<byte>(block, start, length);
        }
    }
}
