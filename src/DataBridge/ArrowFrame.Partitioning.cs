using DataBridge.Frames;

namespace DataBridge;

public sealed partial class ArrowFrame
{
    /// <summary>
    /// Exactly <paramref name="count"/> partitions of near-equal size (they differ by at most one row; with
    /// fewer rows than partitions some are empty), rows in their original order. A new partition that lies
    /// inside one old partition is a zero-copy slice; one that spans several is concatenated.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive, or a partition would exceed <see cref="int.MaxValue"/> rows.</exception>
    public ArrowFrame Repartition(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        long size = RowCount / count;
        long extra = RowCount % count;
        if (size + (extra > 0 ? 1 : 0) > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{RowCount} rows in {count} partitions exceed int.MaxValue rows per partition.");
        }

        var partitions = new RecordBatch[count];
        long start = 0;
        for (int p = 0; p < count; p++)
        {
            int length = (int)(size + (p < extra ? 1 : 0));
            partitions[p] = Gather(start, length);
            start += length;
        }

        return new ArrowFrame(Schema, partitions);
    }

    /// <summary>
    /// Partitions of exactly <paramref name="maxRowsPerPartition"/> rows (the last one may be shorter; no
    /// partition for an empty frame), rows in order. Named apart from <see cref="Repartition(int)"/>, whose
    /// single <see cref="int"/> argument is a partition count.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRowsPerPartition"/> is not positive.</exception>
    public ArrowFrame RepartitionByRows(int maxRowsPerPartition)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRowsPerPartition);
        var partitions = new List<RecordBatch>();
        for (long start = 0; start < RowCount; start += maxRowsPerPartition)
        {
            partitions.Add(Gather(start, (int)Math.Min(maxRowsPerPartition, RowCount - start)));
        }

        return new ArrowFrame(Schema, partitions);
    }

    /// <summary>
    /// Hash partitioning: <paramref name="count"/> partitions, row r going to partition
    /// <c>hash(value of <paramref name="column"/> at r) mod count</c>, rows keeping their relative order. The
    /// hash (64-bit FNV-1a over the value's Arrow bytes: little-endian numbers, UTF-8 strings) is stable
    /// across processes, runs and machines, so equal values of one type always meet in the same partition;
    /// nulls all go to partition 0.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No column has that name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public ArrowFrame PartitionBy(string column, int count)
    {
        int key = IndexOf(column);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var targets = new List<(int Batch, int Row)>[count];
        for (int p = 0; p < count; p++)
        {
            targets[p] = [];
        }

        for (int b = 0; b < _partitions.Length; b++)
        {
            IArrowArray keys = _partitions[b].Column(key);
            for (int r = 0; r < keys.Length; r++)
            {
                int p = keys.IsNull(r) ? 0 : (int)(StableHash.Of(keys, r) % (ulong)count);
                targets[p].Add((b, r));
            }
        }

        var result = new RecordBatch[count];
        for (int p = 0; p < count; p++)
        {
            var columns = new IArrowArray[ColumnCount];
            for (int c = 0; c < columns.Length; c++)
            {
                int index = c;
                columns[c] = RowGather.Take(Schema.FieldsList[c].DataType, [.. _partitions.Select(b => b.Column(index))], targets[p]);
            }

            result[p] = new RecordBatch(Schema, columns, targets[p].Count);
        }

        return new ArrowFrame(Schema, result);
    }

    /// <summary>This frame's partitions followed by those of <paramref name="others"/> (no copy).</summary>
    /// <exception cref="ArgumentException">A frame's column names or types differ (frames without columns are skipped).</exception>
    public ArrowFrame Concat(params ArrowFrame[] others)
    {
        ArgumentNullException.ThrowIfNull(others);
        return Concat((IEnumerable<ArrowFrame>)[this, .. others]);
    }

    /// <summary>The partitions of all <paramref name="frames"/>, in order (no copy); a field is nullable when it is in any frame.</summary>
    /// <exception cref="ArgumentException">A frame's column names or types differ (frames without columns are skipped).</exception>
    public static ArrowFrame Concat(IEnumerable<ArrowFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArrowFrame[] all = [.. frames.Where(f => (f ?? throw new ArgumentException("A frame is null.", nameof(frames))).ColumnCount > 0)];
        if (all.Length == 0)
        {
            return Empty;
        }

        Schema first = all[0].Schema;
        foreach (ArrowFrame f in all)
        {
            if (!SameShape(first, f.Schema))
            {
                throw new ArgumentException($"Cannot concatenate frames with different columns:{Environment.NewLine}{ArrowTypeText.Of(first)}{Environment.NewLine}and{Environment.NewLine}{ArrowTypeText.Of(f.Schema)}", nameof(frames));
            }
        }

        var fields = new Field[first.FieldsList.Count];
        for (int c = 0; c < fields.Length; c++)
        {
            Field f = first.FieldsList[c];
            bool nullable = all.Any(frame => frame.Schema.FieldsList[c].IsNullable);
            fields[c] = nullable == f.IsNullable ? f : new Field(f.Name, f.DataType, nullable, f.Metadata);
        }

        return new ArrowFrame(new Schema(fields, first.Metadata), all.SelectMany(f => f._partitions));
    }

    /// <summary>Rows <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="length"/> − 1, as zero-copy slices of the partitions they fall in.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the frame.</exception>
    public ArrowFrame Slice(long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset + length > RowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Rows {offset}..{offset + length} are outside the frame's {RowCount} rows.");
        }

        var slices = new List<RecordBatch>();
        for (int p = 0; p < _partitions.Length && length > 0; p++)
        {
            long start = _starts[p];
            long end = start + _partitions[p].Length;
            if (end <= offset || start >= offset + length)
            {
                continue;
            }

            long from = Math.Max(offset, start);
            long to = Math.Min(offset + length, end);
            RecordBatch batch = _partitions[p];
            slices.Add(from == start && to == end ? batch : batch.Slice((int)(from - start), (int)(to - from)));
        }

        return new ArrowFrame(Schema, slices);
    }

    /// <summary>The first <paramref name="rows"/> rows (all of them when the frame is shorter), zero-copy.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is negative.</exception>
    public ArrowFrame Head(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        return Slice(0, Math.Min(rows, RowCount));
    }

    /// <summary>The named columns, in the order given (repeats allowed), zero-copy.</summary>
    /// <exception cref="KeyNotFoundException">No column has one of the names.</exception>
    public ArrowFrame Select(params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        int[] indexes = [.. columns.Select(IndexOf)];
        var schema = new Schema(indexes.Select(i => Schema.FieldsList[i]), Schema.Metadata);
        return new ArrowFrame(schema, _partitions.Select(b => new RecordBatch(schema, indexes.Select(i => b.Column(i)), b.Length)));
    }

    /// <summary>
    /// Rows [start, start + length) as one batch: a zero-copy slice when they lie in one partition, the
    /// concatenation of the pieces otherwise.
    /// </summary>
    private RecordBatch Gather(long start, int length)
    {
        var pieces = Slice(start, length)._partitions;
        if (pieces.Length == 1)
        {
            return pieces[0];
        }

        if (pieces.Length == 0)
        {
            return new RecordBatch(Schema, Schema.FieldsList.Select(f => ArrowArrayFactory.BuildArray(AllNullArrays.Create(f.DataType, 0))), 0);
        }

        var columns = new IArrowArray[ColumnCount];
        for (int c = 0; c < columns.Length; c++)
        {
            columns[c] = ArrowArrayFactory.BuildArray(ArrayConcatenator.Concatenate([.. pieces.Select(b => b.Column(c).Data)]));
        }

        return new RecordBatch(Schema, columns, length);
    }
}
