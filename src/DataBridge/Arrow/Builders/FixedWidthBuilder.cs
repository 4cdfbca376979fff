using System.Runtime.CompilerServices;
using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// Builds the buffers of a fixed-width array (integers, floats, dates, times, timestamps, durations) of
/// <typeparamref name="T"/> values as Apache.Arrow <see cref="ArrayData"/>.
/// </summary>
/// <remarks>
/// Preferred over Apache.Arrow's <c>PrimitiveArrayBuilder</c> on the frame's hot paths (CSV, POCO mapping):
/// the validity bitmap exists only once a null is appended, a span is appended with one copy, and
/// <see cref="Build"/> hands the grown memory to the array instead of copying it into a fresh native
/// allocation (docs/dataframe.md, "Builders over Apache.Arrow": 1.8 vs 8.2 ms for a
/// span of 1M int64, 29.9 vs 50.8 ms for 1M int64 with 10 % nulls). After <see cref="Build"/> the builder is empty.
/// </remarks>
/// <typeparam name="T">The stored value type.</typeparam>
internal sealed class FixedWidthBuilder<T>
    where T : unmanaged
{
    private readonly BufferBuilder _values;
    private readonly ValidityBuilder _validity;

    public FixedWidthBuilder(ArrowMemoryAllocator? allocator = null)
    {
        allocator ??= ArrowMemoryAllocator.Default;
        // Every value byte is written (a null appends default(T)), so the values need no zeroing first.
        _values = new BufferBuilder(allocator, zeroed: false);
        _validity = new ValidityBuilder(allocator);
    }

    /// <summary>Elements appended since the last <see cref="Build"/>.</summary>
    public int Length => _validity.Length;

    /// <summary>Nulls among them.</summary>
    public int NullCount => _validity.NullCount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(T value)
    {
        _values.Append(value);
        _validity.AppendValid();
    }

    /// <summary>Appends a null; its slot holds the default value.</summary>
    public void AppendNull()
    {
        _values.Append(default(T));
        _validity.AppendNull();
    }

    /// <summary>Appends valid values with one copy.</summary>
    public void AppendRange(ReadOnlySpan<T> values)
    {
        _values.AppendRange(values);
        _validity.AppendValid(values.Length);
    }

    /// <summary>Ensures room for <paramref name="additional"/> more values without regrowing.</summary>
    public unsafe void Reserve(int additional)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(additional);
        _values.Reserve(checked(additional * sizeof(T)));
        _validity.Reserve(additional);
    }

    /// <summary>The array data of everything appended, typed <paramref name="type"/> (whose width must be that of <typeparamref name="T"/>); the builder is reset.</summary>
    public ArrayData Build(IArrowType type)
    {
        int length = Length;
        (ArrowBuffer validity, int nullCount) = _validity.Build();
        return new ArrayData(type, length, nullCount, 0, new[] { validity, _values.Build() });
    }
}
