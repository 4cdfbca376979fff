using System.Runtime.InteropServices;

namespace DataBridge.Arrow;

/// <summary>
/// An immutable view of bytes holding one Arrow buffer (validity bitmap, offsets, values...). It does not
/// own memory: the memory belongs to whoever created it (a builder's allocation, a reader's message body,
/// or the caller's <see cref="ReadOnlyMemory{T}"/>), and stays valid as long as that owner is alive.
/// </summary>
public readonly struct ArrowBuffer : IEquatable<ArrowBuffer>
{
    /// <summary>Wraps memory as a buffer.</summary>
    public ArrowBuffer(ReadOnlyMemory<byte> memory) => Memory = memory;

    /// <summary>The empty buffer (an omitted validity bitmap, an unused slot).</summary>
    public static ArrowBuffer Empty => default;

    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Memory { get; }

    /// <summary>The bytes as a span.</summary>
    public ReadOnlySpan<byte> Span => Memory.Span;

    /// <summary>Length in bytes.</summary>
    public int Length => Memory.Length;

    /// <summary>Whether the buffer has no bytes.</summary>
    public bool IsEmpty => Memory.IsEmpty;

    /// <summary>The bytes reinterpreted as <typeparamref name="T"/> values (little-endian; no copy).</summary>
    public ReadOnlySpan<T> As<T>()
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(Memory.Span);

    /// <summary>Creates a buffer over a copy of <paramref name="values"/>, allocated by <paramref name="allocator"/>.</summary>
    public static ArrowBuffer FromSpan<T>(ReadOnlySpan<T> values, Memory.ArrowMemoryAllocator? allocator = null)
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
        if (bytes.IsEmpty)
        {
            return Empty;
        }

        Memory<byte> target = (allocator ?? Arrow.Memory.ArrowMemoryAllocator.Default).Allocate(bytes.Length);
        bytes.CopyTo(target.Span);
        return new ArrowBuffer(target);
    }

    /// <inheritdoc />
    public bool Equals(ArrowBuffer other) => Memory.Equals(other.Memory);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ArrowBuffer b && Equals(b);

    /// <inheritdoc />
    public override int GetHashCode() => Memory.GetHashCode();

    /// <summary>Reference equality of the underlying memory.</summary>
    public static bool operator ==(ArrowBuffer left, ArrowBuffer right) => left.Equals(right);

    /// <summary>Reference inequality of the underlying memory.</summary>
    public static bool operator !=(ArrowBuffer left, ArrowBuffer right) => !left.Equals(right);
}
