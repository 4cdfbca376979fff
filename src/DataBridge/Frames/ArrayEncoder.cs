namespace DataBridge.Frames;

/// <summary>
/// The common shape of encoders whose field is fixed up front: each partition is built by
/// <see cref="BuildPartition"/> from the encoder's builder; <see cref="Complete"/> returns them.
/// </summary>
/// <typeparam name="T">The .NET value type of the column.</typeparam>
internal abstract class ArrayEncoder<T> : ColumnEncoder<T>
{
    private readonly List<IArrowArray> _partitions = [];

    protected ArrayEncoder(string name, IArrowType type, bool nullable, IEnumerable<KeyValuePair<string, string>>? metadata = null)
        : base(name) => Field = new Field(name, type, nullable, metadata);

    /// <summary>The column's field.</summary>
    protected Field Field { get; set; }

    /// <summary>Builds the current partition's array and resets the builder.</summary>
    protected abstract IArrowArray BuildPartition();

    /// <inheritdoc />
    public override void EndPartition() => _partitions.Add(BuildPartition());

    /// <inheritdoc />
    public override (Field Field, IReadOnlyList<IArrowArray> Partitions) Complete() => (Field, _partitions);

    /// <summary>Marks the field nullable (a nullable wrapper or a null reference was seen).</summary>
    internal void MakeNullable()
    {
        if (!Field.IsNullable)
        {
            Field = new Field(Field.Name, Field.DataType, true, Field.Metadata);
        }
    }
}
