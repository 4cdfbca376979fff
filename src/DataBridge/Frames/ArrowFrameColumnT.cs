using System.Collections;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DataBridge.Frames;

/// <summary>
/// A column read as <typeparamref name="T"/> (<see cref="ArrowFrame.Column{T}(string)"/>): use a nullable
/// type (<c>long?</c>, <c>DateTime?</c>, or any reference type) to receive nulls; a non-nullable value type
/// throws <see cref="InvalidOperationException"/> at a null. Values are read from the Arrow buffers on
/// access, typed, without boxing.
/// </summary>
/// <typeparam name="T">The .NET type of the values (see docs/dataframe.md for the conversions).</typeparam>
public sealed class ArrowFrameColumn<T> : ArrowFrameColumn, IEnumerable<T>
{
    private readonly Func<IArrowArray, int, T> _getter;

    internal ArrowFrameColumn(Field field, IReadOnlyList<IArrowArray> chunks, long[] starts, long length)
        : base(field, chunks, starts, length) => _getter = ValueReader.Create<T>(field);

    /// <inheritdoc />
    public override Type ValueType => typeof(T);

    /// <summary>Value <paramref name="index"/> (0-based over the whole frame).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the column.</exception>
    /// <exception cref="InvalidOperationException">The value is null and <typeparamref name="T"/> cannot hold null.</exception>
    public T this[long index]
    {
        get
        {
            (int chunk, int row) = Locate(index);
            return _getter(Chunks[chunk], row);
        }
    }

    /// <inheritdoc />
    public override object? GetValue(long index)
    {
        (int chunk, int row) = Locate(index);
        return Chunks[chunk].IsNull(row) ? null : _getter(Chunks[chunk], row);
    }

    /// <summary>All values, in order, in a new array.</summary>
    /// <exception cref="InvalidOperationException">The column has more rows than an array holds.</exception>
    public T[] ToArray()
    {
        // Every element is written below (a span copy or the getter), so the array needs no zeroing first.
        T[] values = GC.AllocateUninitializedArray<T>(checked((int)Length));
        int n = 0;
        foreach (IArrowArray chunk in Chunks)
        {
            if (TryCopy(chunk, values.AsSpan(n, chunk.Length)))
            {
                n += chunk.Length;
                continue;
            }

            for (int i = 0; i < chunk.Length; i++)
            {
                values[n++] = _getter(chunk, i);
            }
        }

        return values;
    }

    /// <summary>Enumerates the values in order.</summary>
    public IEnumerator<T> GetEnumerator()
    {
        foreach (IArrowArray chunk in Chunks)
        {
            for (int i = 0; i < chunk.Length; i++)
            {
                yield return _getter(chunk, i);
            }
        }
    }

    private protected override IEnumerator GetUntypedEnumerator() => GetEnumerator();

    /// <summary>
    /// One span copy instead of a getter call per value, when the chunk stores exactly
    /// <typeparamref name="T"/> without nulls (a getter exists, so the chunk is a number column of that
    /// very type: date and time arrays share the storage type but have no numeric getter).
    /// </summary>
    private static bool TryCopy(IArrowArray chunk, Span<T> destination)
    {
        if (chunk.NullCount != 0)
        {
            return false;
        }

        switch (chunk)
        {
            case PrimitiveArray<long> a when typeof(T) == typeof(long): Copy(a.Values, destination); return true;
            case PrimitiveArray<int> a when typeof(T) == typeof(int): Copy(a.Values, destination); return true;
            case PrimitiveArray<short> a when typeof(T) == typeof(short): Copy(a.Values, destination); return true;
            case PrimitiveArray<sbyte> a when typeof(T) == typeof(sbyte): Copy(a.Values, destination); return true;
            case PrimitiveArray<ulong> a when typeof(T) == typeof(ulong): Copy(a.Values, destination); return true;
            case PrimitiveArray<uint> a when typeof(T) == typeof(uint): Copy(a.Values, destination); return true;
            case PrimitiveArray<ushort> a when typeof(T) == typeof(ushort): Copy(a.Values, destination); return true;
            case PrimitiveArray<byte> a when typeof(T) == typeof(byte): Copy(a.Values, destination); return true;
            case PrimitiveArray<double> a when typeof(T) == typeof(double): Copy(a.Values, destination); return true;
            case PrimitiveArray<float> a when typeof(T) == typeof(float): Copy(a.Values, destination); return true;
            case PrimitiveArray<Half> a when typeof(T) == typeof(Half): Copy(a.Values, destination); return true;
            default: return false;
        }
    }

    private static void Copy<TValue>(ReadOnlySpan<TValue> values, Span<T> destination)
        where TValue : unmanaged =>
        values.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.As<T, TValue>(ref MemoryMarshal.GetReference(destination)), destination.Length));
}
