using System.Reflection;
using DataBridge.Frames;

namespace DataBridge;

/// <summary>
/// An immutable table: an Apache.Arrow <see cref="Apache.Arrow.Schema"/> and an ordered list of Apache.Arrow
/// <see cref="RecordBatch"/>es, its partitions.
/// It is the unit that moves between .NET and Python (<see cref="PythonBridge.RunAsync(ArrowFrame, string, RunContext?, CancellationToken)"/>),
/// built from .NET arrays or records, CSV or Arrow streams; it is not an analytics engine.
/// </summary>
/// <remarks>
/// <para>Every operation returns a new frame and shares the Arrow buffers it can (slicing, selecting and
/// concatenating copy nothing). Partitions are the units of parallel work: <see cref="PythonBridge.MapPartitionsAsync(ArrowFrame, string, RunContext?, int, CancellationToken)"/>
/// runs one Python task per partition.</para>
/// <para>The .NET ↔ Arrow type mapping and the CSV rules are documented in docs/dataframe.md.</para>
/// </remarks>
public sealed partial class ArrowFrame
{
    /// <summary>The rows per partition that builders use unless told otherwise (65,536, the bridge's batch size).</summary>
    public const int DefaultPartitionRows = 65536;

    private static readonly MethodInfo ColumnMethod = typeof(ArrowFrame).GetMethod(nameof(Column), [typeof(string)])!;
    private readonly RecordBatch[] _partitions;
    private readonly long[] _starts;

    /// <summary>Creates a frame over batches that all have <paramref name="schema"/>'s field names and types.</summary>
    /// <exception cref="ArgumentException">A batch's schema differs.</exception>
    internal ArrowFrame(Schema schema, IEnumerable<RecordBatch> partitions)
    {
        Schema = schema;
        _partitions = [.. partitions.Select(p => Conform(schema, p))];
        _starts = new long[_partitions.Length];
        long rows = 0;
        for (int i = 0; i < _partitions.Length; i++)
        {
            _starts[i] = rows;
            rows += _partitions[i].Length;
        }

        RowCount = rows;
    }

    /// <summary>A frame with no columns and no rows.</summary>
    public static ArrowFrame Empty { get; } = new(new Schema([], metadata: null), []);

    /// <summary>The columns' names, types and nullability.</summary>
    public Schema Schema { get; }

    /// <summary>The partitions, in order; each is a record batch of <see cref="Schema"/>.</summary>
    public IReadOnlyList<RecordBatch> Partitions => _partitions;

    /// <summary>The total number of rows over all partitions.</summary>
    public long RowCount { get; }

    /// <summary>The number of columns.</summary>
    public int ColumnCount => Schema.FieldsList.Count;

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns => [.. Schema.FieldsList.Select(f => f.Name)];

    /// <summary>
    /// The column named <paramref name="name"/>, typed by its Arrow type with nullable values
    /// (<c>long?</c> for int64, <c>string</c> for utf8, <c>DateTime?</c> for timestamp, <c>DateTimeOffset?</c>
    /// for zoned timestamps, <c>Guid?</c> for <c>arrow.uuid</c>, <c>object</c> for nested types — the full list
    /// is in docs/dataframe.md); cast it to <see cref="ArrowFrameColumn{T}"/> of that type, or call
    /// <see cref="Column{T}(string)"/> to choose the type.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No column has that name.</exception>
    public ArrowFrameColumn this[string name]
    {
        get
        {
            Field field = Schema.FieldsList[IndexOf(name)];
            try
            {
                return (ArrowFrameColumn)ColumnMethod.MakeGenericMethod(BoxedValue.NaturalType(field)).Invoke(this, [name])!;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }

    /// <summary>The column named <paramref name="name"/>, read as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The value type: the mapped .NET type of the column (nullable to receive nulls), a compatible one (any integer type for an integer column, checked), or <see cref="object"/>.</typeparam>
    /// <exception cref="KeyNotFoundException">No column has that name.</exception>
    /// <exception cref="InvalidCastException">The column's Arrow type cannot be read as <typeparamref name="T"/>.</exception>
    public ArrowFrameColumn<T> Column<T>(string name)
    {
        int index = IndexOf(name);
        return new ArrowFrameColumn<T>(Schema.FieldsList[index], [.. _partitions.Select(p => p.Column(index))], _starts, RowCount);
    }

    /// <summary>The rows, in order, values boxed (for inspection; use <see cref="Column{T}(string)"/> or <see cref="ToRecords{T}"/> for bulk access).</summary>
    public IEnumerable<ArrowFrameRow> Rows
    {
        get
        {
            Func<IArrowArray, int, object?>[] getters = [.. Schema.FieldsList.Select(BoxedValue.Getter)];
            long index = 0;
            foreach (RecordBatch batch in _partitions)
            {
                for (int r = 0; r < batch.Length; r++)
                {
                    var values = new object?[getters.Length];
                    for (int c = 0; c < values.Length; c++)
                    {
                        values[c] = getters[c](batch.Column(c), r);
                    }

                    yield return new ArrowFrameRow(Schema, index++, values);
                }
            }
        }
    }

    /// <summary>An aligned text table of the first 10 rows, with the shape and the schema, like pandas prints.</summary>
    public override string ToString() => ToString(10);

    /// <summary>An aligned text table of the first <paramref name="maxRows"/> rows, with the shape and the schema.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRows"/> is negative.</exception>
    public string ToString(int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        return TextTable.Render(this, maxRows);
    }

    private int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = IndexOf(Schema, name);
        return index >= 0 ? index : throw new KeyNotFoundException($"The frame has no column named '{name}'; its columns are [{string.Join(", ", Columns)}].");
    }

    /// <summary>The index of the first field named <paramref name="name"/> (ordinal), or -1; Apache.Arrow's own lookup compares names by the current culture.</summary>
    internal static int IndexOf(Schema schema, string name)
    {
        IReadOnlyList<Field> fields = schema.FieldsList;
        for (int i = 0; i < fields.Count; i++)
        {
            if (string.Equals(fields[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// The batch under the frame's schema: names and types must match; nullability and metadata follow the
    /// frame (batches from Python mark every field nullable).
    /// </summary>
    private static RecordBatch Conform(Schema schema, RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (ArrowTypeEquality.Equal(batch.Schema, schema))
        {
            return batch;
        }

        if (!SameShape(schema, batch.Schema))
        {
            throw new ArgumentException($"A partition's schema differs from the frame's.{Environment.NewLine}Frame:{Environment.NewLine}{ArrowTypeText.Of(schema)}{Environment.NewLine}Partition:{Environment.NewLine}{ArrowTypeText.Of(batch.Schema)}");
        }

        return new RecordBatch(schema, batch.Arrays, batch.Length);
    }

    /// <summary>Same column names and Arrow types, in the same order.</summary>
    internal static bool SameShape(Schema a, Schema b) =>
        a.FieldsList.Count == b.FieldsList.Count &&
        a.FieldsList.Zip(b.FieldsList).All(p => p.First.Name == p.Second.Name && ArrowTypeEquality.Equal(p.First.DataType, p.Second.DataType));
}
