namespace DataBridge.Arrow.Memory;

/// <summary>
/// Allocates the memory behind Arrow buffers: zeroed and 64-byte aligned. The default
/// (<see cref="PinnedMemoryAllocator"/>) uses the pinned object heap, so a buffer lives exactly as long as
/// something references it. Every allocator counts what it hands out, so tests can prove bounds.
/// </summary>
internal abstract class ArrowMemoryAllocator
{
    /// <summary>The alignment of every allocation, in bytes.</summary>
    public const int Alignment = 64;

    /// <summary>The process-wide default: pinned, 64-byte aligned, zeroed.</summary>
    public static ArrowMemoryAllocator Default { get; } = new PinnedMemoryAllocator();

    private long _allocations;
    private long _bytes;

    /// <summary>Number of allocations made so far.</summary>
    public long Allocations => Interlocked.Read(ref _allocations);

    /// <summary>Total bytes requested so far.</summary>
    public long BytesAllocated => Interlocked.Read(ref _bytes);

    /// <summary>Allocates <paramref name="length"/> zeroed bytes, 64-byte aligned.</summary>
    public Memory<byte> Allocate(int length) => Count(length) ? AllocateCore(length) : Memory<byte>.Empty;

    /// <summary>
    /// Allocates <paramref name="length"/> bytes, 64-byte aligned, whose content is unspecified: only for a caller that
    /// writes every byte it ever exposes (it saves the pass that zeroes the memory).
    /// </summary>
    public Memory<byte> AllocateUninitialized(int length) => Count(length) ? AllocateUninitializedCore(length) : Memory<byte>.Empty;

    // Counts an allocation of length bytes; false for 0 (nothing to allocate).
    private bool Count(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            return false;
        }

        Interlocked.Increment(ref _allocations);
        Interlocked.Add(ref _bytes, length);
        return true;
    }

    /// <summary>Allocates <paramref name="length"/> (&gt; 0) zeroed, 64-byte aligned bytes.</summary>
    protected abstract Memory<byte> AllocateCore(int length);

    /// <summary>Allocates <paramref name="length"/> (&gt; 0) 64-byte aligned bytes of unspecified content; zeroed unless
    /// overridden.</summary>
    protected virtual Memory<byte> AllocateUninitializedCore(int length) => AllocateCore(length);
}
