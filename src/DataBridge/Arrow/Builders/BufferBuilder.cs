using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// A growable byte buffer over allocator memory. Capacity grows geometrically (64-byte multiples), so
/// appending n values costs O(log n) allocations; <see cref="Build"/> hands the memory to an
/// <see cref="ArrowBuffer"/> of the exact length and starts over with no memory.
/// </summary>
/// <remarks>Invariant, for a zeroed builder (the default): bytes at and beyond <see cref="Length"/> are zero
/// (allocations are zeroed and the length never shrinks), so a caller may set bits in place. A builder created with
/// <c>zeroed: false</c> skips zeroing its memory: only for callers that write every byte they extend by. Built buffers
/// expose exactly <see cref="Length"/> bytes either way (the IPC writer pads with zeros of its own).</remarks>
internal sealed class BufferBuilder
{
    private const int MinimumCapacity = ArrowMemoryAllocator.Alignment;

    private readonly ArrowMemoryAllocator _allocator;
    private Memory<byte> _memory;
    private int _length;
    private readonly bool _zeroed;

    /// <summary>Creates an empty builder over <paramref name="allocator"/>; with <paramref name="zeroed"/> false its memory
    /// is not zeroed first (see the remarks).</summary>
    public BufferBuilder(ArrowMemoryAllocator allocator, bool zeroed = true)
    {
        _allocator = allocator;
        _zeroed = zeroed;
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The bytes written so far (writable, e.g. to set bits).</summary>
    public Span<byte> Span => _memory.Span[.._length];

    /// <summary>Ensures capacity for <paramref name="additionalBytes"/> more bytes.</summary>
    public void Reserve(int additionalBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(additionalBytes);
        long needed = (long)_length + additionalBytes;
        if (needed > _memory.Length)
        {
            GrowTo(needed);
        }
    }

    /// <summary>Appends <paramref name="count"/> zero bytes and returns them for writing.</summary>
    public Span<byte> Extend(int count)
    {
        long needed = (long)_length + count;
        if (needed > _memory.Length)
        {
            GrowTo(needed);
        }

        Span<byte> span = _memory.Span.Slice(_length, count);
        _length += count;
        return span;
    }

    /// <summary>Appends one value, little-endian (the only byte order this library runs on).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Append<T>(T value)
        where T : unmanaged
    {
        int size = sizeof(T);
        if (_memory.Length - _length < size)
        {
            GrowTo((long)_length + size);
        }

        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetReference(_memory.Span), _length), value);
        _length += size;
    }

    /// <summary>Appends values with one copy.</summary>
    public void AppendRange<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
        bytes.CopyTo(Extend(bytes.Length));
    }

    /// <summary>Reads back value <paramref name="index"/> written by <see cref="Append{T}"/>.</summary>
    public T Get<T>(int index)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(Span)[index];

    /// <summary>Hands the written bytes to a buffer (empty when nothing was written) and resets.</summary>
    public ArrowBuffer Build()
    {
        ArrowBuffer result = _length == 0 ? ArrowBuffer.Empty : new ArrowBuffer(_memory[.._length]);
        _memory = Memory<byte>.Empty;
        _length = 0;
        return result;
    }

    private void GrowTo(long needed)
    {
        if (needed > Array.MaxLength - MinimumCapacity)
        {
            throw new InvalidOperationException($"An Arrow buffer cannot exceed {Array.MaxLength - MinimumCapacity} bytes (requested {needed}).");
        }

        long capacity = Math.Max(Math.Max(needed, (long)_memory.Length * 2), MinimumCapacity);
        capacity = Math.Min(BitOps.Align64(capacity), Array.MaxLength - MinimumCapacity);
        Memory<byte> next = _zeroed ? _allocator.Allocate((int)capacity) : _allocator.AllocateUninitialized((int)capacity);
        _memory.Span[.._length].CopyTo(next.Span);
        _memory = next;
    }
}
