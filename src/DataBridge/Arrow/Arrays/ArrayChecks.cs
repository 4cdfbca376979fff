using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace DataBridge.Arrow;

/// <summary>The throw helpers of hot accessors and builders.</summary>
internal static class ArrayChecks
{
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
        throw new ArgumentException($"Expected {expected} array data, got {ArrowTypeText.Of(data.DataType)}.", nameof(data));

    [DoesNotReturn]
    public static void ThrowWrongSource(IArrowType expected, IArrowType actual) =>
        throw new ArgumentException($"Cannot append a {ArrowTypeText.Of(actual)} element to a builder of {ArrowTypeText.Of(expected)}.", "source");
}
