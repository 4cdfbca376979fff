namespace DataBridge.Frames;

/// <summary>Encodes <c>T?</c> through the encoder of <typeparamref name="T"/>; the column is nullable.</summary>
/// <typeparam name="T">The underlying value type.</typeparam>
internal sealed class NullableEncoder<T> : ColumnEncoder<T?>
    where T : struct
{
    private readonly ColumnEncoder<T> _inner;

    public NullableEncoder(ColumnEncoder<T> inner)
        : base(inner.Name) => _inner = inner;

    public override void Append(T? value)
    {
        if (value.HasValue)
        {
            _inner.Append(value.GetValueOrDefault());
        }
        else
        {
            _inner.AppendNull();
        }
    }

    public override void AppendNull() => _inner.AppendNull();

    public override void EndPartition() => _inner.EndPartition();

    public override void Reserve(int rows) => _inner.Reserve(rows);

    public override (Field Field, IReadOnlyList<IArrowArray> Partitions) Complete()
    {
        (Field field, IReadOnlyList<IArrowArray> partitions) = _inner.Complete();
        return (field.IsNullable ? field : new Field(field.Name, field.DataType, true, field.Metadata), partitions);
    }
}
