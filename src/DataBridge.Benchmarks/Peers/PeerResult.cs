using Microsoft.Data.Analysis;

namespace DataBridge.Benchmarks.Peers;

/// <summary>
/// What the peers return, in one comparable form: column names and, per column, every value (double, long or
/// string). The benchmarks only <see cref="Touch(IReadOnlyList{RecordBatch})">touch</see> a result (read the
/// last value of every column chunk, which every result holds in memory already: nothing is lazy); the smoke
/// test compares whole tables.
/// </summary>
internal sealed class PeerResult
{
    private PeerResult(IReadOnlyList<string> names, IReadOnlyList<object?[]> columns)
    {
        Names = names;
        Columns = columns;
    }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<object?[]> Columns { get; }

    public static PeerResult FromBatches(Schema? schema, IReadOnlyList<RecordBatch> batches)
    {
        string[] names = schema is null ? [] : [.. schema.FieldsList.Select(f => f.Name)];
        var columns = new object?[names.Length][];
        for (int c = 0; c < names.Length; c++)
        {
            var values = new List<object?>();
            foreach (RecordBatch batch in batches)
            {
                IArrowArray array = batch.Column(c);
                for (int r = 0; r < array.Length; r++)
                {
                    values.Add(Value(array, r));
                }
            }

            columns[c] = [.. values];
        }

        return new PeerResult(names, columns);
    }

    /// <summary>Columns as .NET arrays: <c>double[]</c>, <c>long[]</c>, <c>string[]</c> or <see cref="Utf8Column"/>.</summary>
    public static PeerResult FromColumns(IReadOnlyList<string> names, IReadOnlyList<object> columns) =>
        new(names, [.. columns.Select(c => c switch
        {
            double[] d => d.Select(v => (object?)v).ToArray(),
            long[] l => l.Select(v => (object?)v).ToArray(),
            string[] s => s.Select(v => (object?)v).ToArray(),
            Utf8Column u => Enumerable.Range(0, u.Length).Select(i => (object?)u.GetString(i)).ToArray(),
            _ => throw new NotSupportedException(c.GetType().Name),
        })]);

    public static PeerResult FromMda(DataFrame frame) =>
        new([.. frame.Columns.Select(c => c.Name)], [.. frame.Columns.Select(c => Enumerable.Range(0, checked((int)c.Length)).Select(i => c[i]).ToArray())]);

    /// <summary>Reads the last value of every column of every batch.</summary>
    public static long Touch(IReadOnlyList<RecordBatch> batches)
    {
        long sum = 0;
        foreach (RecordBatch batch in batches)
        {
            sum += batch.Length;
            for (int c = 0; c < batch.ColumnCount; c++)
            {
                IArrowArray array = batch.Column(c);
                if (array.Length > 0)
                {
                    sum += Touch(Value(array, array.Length - 1));
                }
            }
        }

        return sum;
    }

    /// <summary>Reads the last value of every column (arrays as <see cref="FromColumns"/> takes them).</summary>
    public static long Touch(IReadOnlyList<object> columns)
    {
        long sum = 0;
        foreach (object column in columns)
        {
            sum += column switch
            {
                double[] { Length: > 0 } d => Touch(d[^1]),
                long[] { Length: > 0 } l => l[^1],
                string[] { Length: > 0 } s => s[^1].Length,
                Utf8Column { Length: > 0 } u => u.Data.Length + u.Offsets[^1],
                _ => 0,
            };
        }

        return sum;
    }

    /// <summary>Reads the last value of every column of a Microsoft.Data.Analysis frame.</summary>
    public static long Touch(DataFrame frame)
    {
        long sum = frame.Rows.Count;
        foreach (DataFrameColumn column in frame.Columns)
        {
            if (column.Length > 0)
            {
                sum += Touch(column[column.Length - 1]);
            }
        }

        return sum;
    }

    private static long Touch(object? value) => value switch
    {
        double d => (long)d,
        long l => l,
        string s => s.Length,
        _ => 0,
    };

    private static object? Value(IArrowArray array, int row) => array.IsNull(row) ? null : array switch
    {
        DoubleArray d => d.Values[row],
        Int64Array l => l.Values[row],
        StringArray s => s.GetString(row),
        _ => throw new NotSupportedException(array.Data.DataType.Name),
    };
}
