using System.Collections;

namespace DataBridge.Frames;

/// <summary>
/// One column of a <see cref="ArrowFrame"/> across all its partitions, without copying: the untyped face
/// of <see cref="ArrowFrameColumn{T}"/>, as returned by <see cref="ArrowFrame.this[string]"/>.
/// </summary>
public abstract class ArrowFrameColumn : IEnumerable
{
    private protected ArrowFrameColumn(Field field, IReadOnlyList<IArrowArray> chunks, long[] starts, long length)
    {
        Field = field;
        Chunks = chunks;
        Starts = starts;
        Length = length;
    }

    /// <summary>The column's field (name, Arrow type, nullability, metadata).</summary>
    public Field Field { get; }

    /// <summary>The column name.</summary>
    public string Name => Field.Name;

    /// <summary>The column's Arrow type.</summary>
    public IArrowType DataType => Field.DataType;

    /// <summary>The number of values (the frame's row count).</summary>
    public long Length { get; }

    /// <summary>The number of nulls.</summary>
    public long NullCount => Chunks.Sum(c => (long)c.NullCount);

    /// <summary>The column's array in each partition, in order (zero-copy views of the frame's batches).</summary>
    public IReadOnlyList<IArrowArray> Chunks { get; }

    /// <summary>The .NET type of the values this column hands out.</summary>
    public abstract Type ValueType { get; }

    private protected long[] Starts { get; }

    /// <summary>Value <paramref name="index"/> (0-based over the whole frame), boxed; null for a null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the column.</exception>
    public abstract object? GetValue(long index);

    /// <summary>Whether value <paramref name="index"/> is null.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the column.</exception>
    public bool IsNull(long index)
    {
        (int chunk, int row) = Locate(index);
        return Chunks[chunk].IsNull(row);
    }

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetUntypedEnumerator();

    /// <summary>The name and type, e.g. <c>qty: int64 (1000 values)</c>.</summary>
    public override string ToString() => $"{ArrowTypeText.Of(Field)} ({Length} values)";

    private protected abstract IEnumerator GetUntypedEnumerator();

    /// <summary>The partition and the row within it of frame row <paramref name="index"/>.</summary>
    private protected (int Chunk, int Row) Locate(long index)
    {
        if ((ulong)index >= (ulong)Length)
        {
            ThrowIndex(index);
        }

        int chunk = Array.BinarySearch(Starts, index);
        if (chunk < 0)
        {
            chunk = ~chunk - 1;
        }

        // Skip empty partitions that start at the same row.
        while (chunk + 1 < Chunks.Count && Starts[chunk + 1] <= index)
        {
            chunk++;
        }

        return (chunk, (int)(index - Starts[chunk]));
    }

    private void ThrowIndex(long index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"Column '{Name}' has {Length} values.");
}
