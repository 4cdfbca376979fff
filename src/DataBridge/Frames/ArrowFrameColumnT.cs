using System.Collections;

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
    private readonly Func<ArrowArray, int, T> _getter;

    internal ArrowFrameColumn(Field field, IReadOnlyList<ArrowArray> chunks, long[] starts, long length)
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
        var values = new T[checked((int)Length)];
        int n = 0;
        foreach (ArrowArray chunk in Chunks)
        {
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
        foreach (ArrowArray chunk in Chunks)
        {
            for (int i = 0; i < chunk.Length; i++)
            {
                yield return _getter(chunk, i);
            }
        }
    }

    private protected override IEnumerator GetUntypedEnumerator() => GetEnumerator();
}
