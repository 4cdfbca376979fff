namespace DataBridge.Arrow;

/// <summary>
/// Equal-length columns under a <see cref="Arrow.Schema"/>: the unit of an Arrow IPC stream.
/// Disposing releases the memory the batch owns (e.g. a pooled message body from a stream reader);
/// the batch and views over it must not be used afterwards.
/// </summary>
public sealed class RecordBatch : IDisposable
{
    private readonly ArrowArray[] _columns;
    private IDisposable? _owner;

    /// <summary>Creates a batch.</summary>
    /// <exception cref="ArgumentException">The column count or a column's length or type does not match.</exception>
    public RecordBatch(Schema schema, IEnumerable<ArrowArray> columns, int length)
        : this(schema, [.. (columns ?? throw new ArgumentNullException(nameof(columns)))], length, null)
    {
    }

    internal RecordBatch(Schema schema, ArrowArray[] columns, int length, IDisposable? owner)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (columns.Length != schema.Fields.Count)
        {
            throw new ArgumentException($"The schema has {schema.Fields.Count} fields but {columns.Length} columns were given.", nameof(columns));
        }

        for (int i = 0; i < columns.Length; i++)
        {
            if (columns[i].Length != length)
            {
                throw new ArgumentException($"Column {i} ('{schema.Fields[i].Name}') has {columns[i].Length} rows, expected {length}.", nameof(columns));
            }

            if (!columns[i].Type.Equals(schema.Fields[i].DataType))
            {
                throw new ArgumentException($"Column {i} ('{schema.Fields[i].Name}') is {columns[i].Type}, the schema says {schema.Fields[i].DataType}.", nameof(columns));
            }
        }

        Schema = schema;
        _columns = columns;
        Length = length;
        _owner = owner;
    }

    /// <summary>Creates a batch from array data (one per field).</summary>
    public static RecordBatch FromData(Schema schema, IEnumerable<ArrayData> columns, int length) =>
        new(schema, [.. columns.Select(ArrowArray.Create)], length, null);

    internal static RecordBatch FromData(Schema schema, ArrayData[] columns, int length, IDisposable? owner) =>
        new(schema, Array.ConvertAll(columns, ArrowArray.Create), length, owner);

    /// <summary>The schema.</summary>
    public Schema Schema { get; }

    /// <summary>Number of rows.</summary>
    public int Length { get; }

    /// <summary>The columns, in schema order.</summary>
    public IReadOnlyList<ArrowArray> Columns => _columns;

    /// <summary>Number of columns.</summary>
    public int ColumnCount => _columns.Length;

    /// <summary>The column at <paramref name="index"/>.</summary>
    public ArrowArray Column(int index) => _columns[index];

    /// <summary>The first column named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No column has that name.</exception>
    public ArrowArray Column(string name)
    {
        int i = Schema.IndexOf(name);
        return i >= 0 ? _columns[i] : throw new KeyNotFoundException($"The batch has no column named '{name}'.");
    }

    /// <summary>A zero-copy view of <paramref name="length"/> rows from <paramref name="offset"/>; it shares (does not own) this batch's memory.</summary>
    public RecordBatch Slice(int offset, int length) =>
        new(Schema, Array.ConvertAll(_columns, c => c.Slice(offset, length)), length, null);

    /// <inheritdoc />
    public void Dispose()
    {
        Interlocked.Exchange(ref _owner, null)?.Dispose();
    }
}
