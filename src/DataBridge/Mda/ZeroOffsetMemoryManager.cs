using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DataBridge.Mda;

/// <summary>
/// Presents a slice of some memory as memory that starts at index 0 of its owner.
/// </summary>
/// <remarks>
/// MDA reinterprets a column's <see cref="ReadOnlyMemory{T}"/> of bytes as <see cref="ReadOnlyMemory{T}"/> of
/// values with <c>Unsafe.As</c> (<c>GetReadOnlyDataBuffers</c>, <c>GetReadOnlyOffsetsBuffers</c>). That keeps the
/// memory's start index, which is then read in elements instead of bytes: for a slice that does not start at
/// index 0 of its array or memory manager (any buffer inside an IPC body) MDA hands out the wrong values.
/// Wrapping the slice here makes its start index 0, so MDA's view is right. The wrapper holds the source
/// memory, so the owner (an Arrow buffer's memory manager) stays reachable as long as the MDA column is.
/// </remarks>
internal sealed class ZeroOffsetMemoryManager : MemoryManager<byte>
{
    private readonly ReadOnlyMemory<byte> _source;

    private ZeroOffsetMemoryManager(ReadOnlyMemory<byte> source) => _source = source;

    /// <summary>The same bytes as <paramref name="source"/>, as memory whose start index is 0.</summary>
    public static ReadOnlyMemory<byte> Wrap(ReadOnlyMemory<byte> source) =>
        source.IsEmpty ? ReadOnlyMemory<byte>.Empty : new ZeroOffsetMemoryManager(source).Memory;

    public override Span<byte> GetSpan()
    {
        ReadOnlySpan<byte> span = _source.Span;
        return MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(span), span.Length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        MemoryHandle handle = _source.Slice(elementIndex).Pin();
        return handle;
    }

    public override void Unpin()
    {
        // Pin hands out the source's own handle, which unpins itself when disposed.
    }

    protected override void Dispose(bool disposing)
    {
        // Nothing is owned here: the source memory belongs to its Arrow buffer or array.
    }

    /// <summary>
    /// The bytes behind memory that MDA made by reinterpreting byte memory as <typeparamref name="T"/> memory
    /// (<c>GetReadOnlyDataBuffers</c>): MDA's reinterpretation is undone instead of reading the memory through it.
    /// </summary>
    public static ReadOnlyMemory<byte> BytesOfMdaMemory<T>(ReadOnlyMemory<T> memory)
        where T : unmanaged
    {
        int byteLength = checked(memory.Length * Unsafe.SizeOf<T>());
        if (byteLength == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        // ReadOnlyMemory<T> is (object, index, length) for every T. MDA built this one from byte memory with
        // Unsafe.As, so the object is a byte[] or a MemoryManager<byte> and the index counts bytes.
        ReadOnlyMemory<byte> raw = Unsafe.As<ReadOnlyMemory<T>, ReadOnlyMemory<byte>>(ref memory);
        if (MemoryMarshal.TryGetArray(raw, out ArraySegment<byte> segment) && segment.Array is byte[] array
            && array.GetType() == typeof(byte[]) && segment.Offset + (long)byteLength <= array.Length)
        {
            return new ReadOnlyMemory<byte>(array, segment.Offset, byteLength);
        }

        if (MemoryMarshal.TryGetMemoryManager(raw, out MemoryManager<byte>? manager, out int start, out _))
        {
            Memory<byte> whole = manager.Memory;
            if (start + (long)byteLength <= whole.Length)
            {
                return whole.Slice(start, byteLength);
            }
        }

        // Memory of some other shape: copy it through its span (MDA's own span is right when the index is 0).
        return MemoryMarshal.AsBytes(memory.Span).ToArray();
    }
}
