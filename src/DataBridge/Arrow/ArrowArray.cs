namespace DataBridge.Arrow;

/// <summary>
/// An immutable Arrow array: a typed view over <see cref="ArrayData"/>. Concrete subclasses give typed,
/// non-boxing access to values; <see cref="Create"/> picks the subclass for a given type.
/// </summary>
public abstract class ArrowArray
{
    /// <summary>Wraps <paramref name="data"/>.</summary>
    protected ArrowArray(ArrayData data) => Data = data ?? throw new ArgumentNullException(nameof(data));

    /// <summary>The physical data.</summary>
    public ArrayData Data { get; }

    /// <summary>The type.</summary>
    public ArrowType Type => Data.Type;

    /// <summary>Number of elements.</summary>
    public int Length => Data.Length;

    /// <summary>Number of nulls.</summary>
    public int NullCount => Data.NullCount;

    /// <summary>Offset of element 0 in the buffers.</summary>
    public int Offset => Data.Offset;

    /// <summary>Whether element <paramref name="index"/> is null.</summary>
    public bool IsNull(int index) => Data.IsNull(index);

    /// <summary>Whether element <paramref name="index"/> is not null.</summary>
    public bool IsValid(int index) => !Data.IsNull(index);

    /// <summary>A zero-copy view of <paramref name="length"/> elements starting at <paramref name="offset"/>.</summary>
    public ArrowArray Slice(int offset, int length) => Create(Data.Slice(offset, length));

    /// <summary>Wraps <paramref name="data"/> in the typed array class for its type.</summary>
    public static ArrowArray Create(ArrayData data) => ArrowArrayFactory.Create(data);

    /// <inheritdoc />
    public override string ToString() => Data.ToString();
}
