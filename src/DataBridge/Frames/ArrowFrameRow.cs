namespace DataBridge.Frames;

/// <summary>
/// One row of a <see cref="ArrowFrame"/>, for inspection: its values boxed, by position or by name.
/// Use <see cref="ArrowFrame.Column{T}(string)"/> or <see cref="ArrowFrame.ToRecords{T}"/> for bulk typed access.
/// </summary>
public sealed class ArrowFrameRow
{
    private readonly Schema _schema;
    private readonly object?[] _values;

    internal ArrowFrameRow(Schema schema, long index, object?[] values)
    {
        _schema = schema;
        Index = index;
        _values = values;
    }

    /// <summary>The row's position in the frame (0-based).</summary>
    public long Index { get; }

    /// <summary>The values, in column order (nulls as null).</summary>
    public IReadOnlyList<object?> Values => _values;

    /// <summary>The value of column <paramref name="column"/>.</summary>
    /// <exception cref="IndexOutOfRangeException">No such column.</exception>
    public object? this[int column] => _values[column];

    /// <summary>The value of the column named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No column has that name.</exception>
    public object? this[string name]
    {
        get
        {
            int i = ArrowFrame.IndexOf(_schema, name);
            return i >= 0 ? _values[i] : throw new KeyNotFoundException($"The frame has no column named '{name}'.");
        }
    }

    /// <summary>The row as <c>{ name = value, ... }</c>.</summary>
    public override string ToString() =>
        "{ " + string.Join(", ", _values.Select((v, i) => _schema.FieldsList[i].Name + " = " + TextTable.Format(v))) + " }";
}
