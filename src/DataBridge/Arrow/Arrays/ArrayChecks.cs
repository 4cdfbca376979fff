using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace DataBridge.Arrow;

/// <summary>
/// Cheap structural checks typed arrays run once in their constructors (so that value access afterwards
/// can rely on the buffers being large enough), and the throw helpers of the hot accessors.
/// </summary>
internal static class ArrayChecks
{
    /// <summary>Throws unless the data has type id <paramref name="id"/>.</summary>
    public static void RequireType(ArrayData data, ArrowTypeId id)
    {
        if (data.Type.TypeId != id)
        {
            ThrowWrongType(data, id.ToString());
        }
    }

    /// <summary>Throws unless the data has at least <paramref name="count"/> buffers.</summary>
    public static void RequireBuffers(ArrayData data, int count)
    {
        if (data.Buffers.Length < count)
        {
            throw new ArgumentException($"A {data.Type} array needs {count} buffers, got {data.Buffers.Length}.", nameof(data));
        }
    }

    /// <summary>Throws unless the data has exactly <paramref name="count"/> children.</summary>
    public static void RequireChildren(ArrayData data, int count)
    {
        if (data.Children.Length != count)
        {
            throw new ArgumentException($"A {data.Type} array needs {count} children, got {data.Children.Length}.", nameof(data));
        }
    }

    /// <summary>
    /// Throws unless buffer <paramref name="buffer"/> holds <c>(Offset + Length + extra) * width</c> bytes
    /// (nothing is required of an empty array).
    /// </summary>
    public static void RequireFixedWidth(ArrayData data, int buffer, int width, int extra = 0)
    {
        RequireBuffers(data, buffer + 1);
        if (data.Length == 0 && extra == 0)
        {
            return;
        }

        long needed = ((long)data.Offset + data.Length + extra) * width;
        if (data.Buffers[buffer].Length < needed)
        {
            throw new ArgumentException(
                $"Buffer {buffer} of a {data.Type} array of length {data.Length} at offset {data.Offset} holds {data.Buffers[buffer].Length} bytes; {needed} are needed.",
                nameof(data));
        }
    }

    /// <summary>Throws unless the validity bitmap, when present, covers the array.</summary>
    public static void RequireValidity(ArrayData data)
    {
        ArrowBuffer validity = data.Validity;
        if (!validity.IsEmpty && validity.Length < BitOps.ByteCount((long)data.Offset + data.Length))
        {
            throw new ArgumentException($"The validity bitmap of a {data.Type} array of length {data.Length} at offset {data.Offset} holds only {validity.Length} bytes.", nameof(data));
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless 0 &lt;= index &lt; length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckIndex(int index, int length)
    {
        if ((uint)index >= (uint)length)
        {
            ThrowIndex(index, length);
        }
    }

    [DoesNotReturn]
    public static void ThrowIndex(int index, int length) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"Index must be within [0, {length}).");

    [DoesNotReturn]
    public static void ThrowWrongType(ArrayData data, string expected) =>
        throw new ArgumentException($"Expected {expected} array data, got {data.Type}.", nameof(data));

    [DoesNotReturn]
    public static void ThrowWrongSource(ArrowType expected, ArrowType actual) =>
        throw new ArgumentException($"Cannot append a {actual} element to a builder of {expected}.", "source");
}
