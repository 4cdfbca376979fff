using System.Reflection;
using DataBridge.Frames;
using DataBridge.Ipc;

namespace DataBridge;

public sealed partial class ArrowFrame
{
    private static readonly MethodInfo FeedMethod = typeof(ArrowFrame).GetMethod(nameof(Feed), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// A frame from .NET arrays, one per column, e.g.
    /// <c>ArrowFrame.FromColumns(("id", new long[] { 1, 2 }), ("name", new string?[] { "a", null }))</c>.
    /// </summary>
    /// <param name="columns">Name and values of each column, in order. Element types are mapped as in
    /// docs/dataframe.md (<c>long[]</c> → int64 not null, <c>long?[]</c> → nullable int64, <c>string[]</c> → utf8, …).</param>
    /// <returns>A frame of one partition per <see cref="DefaultPartitionRows"/> rows.</returns>
    /// <exception cref="ArgumentException">The arrays differ in length, or a name or array is null.</exception>
    /// <exception cref="NotSupportedException">An element type has no Arrow mapping.</exception>
    public static ArrowFrame FromColumns(params (string Name, Array Values)[] columns) => FromColumns(DefaultPartitionRows, columns);

    /// <summary>A frame from .NET arrays, with at most <paramref name="maxRowsPerPartition"/> rows per partition.</summary>
    /// <param name="maxRowsPerPartition">The partition size (positive).</param>
    /// <param name="columns">Name and values of each column, in order.</param>
    /// <exception cref="ArgumentException">The arrays differ in length, or a name or array is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRowsPerPartition"/> is not positive.</exception>
    /// <exception cref="NotSupportedException">An element type has no Arrow mapping.</exception>
    public static ArrowFrame FromColumns(int maxRowsPerPartition, params (string Name, Array Values)[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRowsPerPartition);
        if (columns.Length == 0)
        {
            return Empty;
        }

        int rows = -1;
        var encoders = new ColumnEncoder[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            (string name, Array values) = columns[c];
            if (name is null || values is null)
            {
                throw new ArgumentException($"Column {c} has a null name or values.", nameof(columns));
            }

            if (rows >= 0 && values.Length != rows)
            {
                throw new ArgumentException($"Column '{name}' has {values.Length} values, column '{columns[0].Name}' has {rows}.", nameof(columns));
            }

            rows = values.Length;
            Type element = values.GetType().GetElementType()!;
            if (values.Rank != 1)
            {
                throw new ArgumentException($"Column '{name}' is not a one-dimensional array.", nameof(columns));
            }

            encoders[c] = ColumnEncoder.Create(element, name);
            FeedMethod.MakeGenericMethod(element).Invoke(null, [encoders[c], values, maxRowsPerPartition]);
        }

        return Assemble(encoders, PartitionLengths(rows, maxRowsPerPartition));
    }

    /// <summary>
    /// A frame from records: one column per public readable property of <typeparamref name="T"/>, in
    /// declaration order, typed by the mapping in docs/dataframe.md (nullable value types and reference
    /// types give nullable columns). Properties are read through compiled getters: no reflection or boxing per row.
    /// </summary>
    /// <param name="records">The rows (enumerated once).</param>
    /// <param name="maxRowsPerPartition">The partition size (positive).</param>
    /// <exception cref="ArgumentException">A record is null.</exception>
    /// <exception cref="NotSupportedException">A property's type has no Arrow mapping.</exception>
    public static ArrowFrame FromRecords<T>(IEnumerable<T> records, int maxRowsPerPartition = DefaultPartitionRows)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRowsPerPartition);
        var encoder = new RecordEncoder<T>();
        ColumnEncoder[] encoders = [.. encoder.Encoders];
        var lengths = new List<int>();
        int inPartition = 0;
        foreach (T record in records)
        {
            if (record is null)
            {
                throw new ArgumentException($"Record {(long)lengths.Count * maxRowsPerPartition + inPartition} is null.", nameof(records));
            }

            encoder.Append(record);
            if (++inPartition == maxRowsPerPartition)
            {
                EndPartition(encoders, lengths, inPartition);
                inPartition = 0;

                // More rows are likely to follow a full partition: size the next one's buffers like this one's.
                foreach (ColumnEncoder e in encoders)
                {
                    e.Reserve(maxRowsPerPartition);
                }
            }
        }

        if (inPartition > 0 || lengths.Count == 0)
        {
            EndPartition(encoders, lengths, inPartition);
        }

        return Assemble(encoders, lengths);
    }

    /// <summary>
    /// The rows as <typeparamref name="T"/> records: columns are matched to properties by name (exact, then
    /// ignoring case) or to constructor parameters (positional records); values are converted as in
    /// docs/dataframe.md through a compiled row factory. Enumerated lazily, partition by partition.
    /// </summary>
    /// <exception cref="InvalidCastException">A matched column cannot be read as its property's type.</exception>
    /// <exception cref="InvalidOperationException">A null meets a non-nullable value-type property, or <typeparamref name="T"/> cannot be constructed.</exception>
    public IEnumerable<T> ToRecords<T>()
    {
        Func<IArrowArray[], int, T> factory = RecordDecoder<T>.Create(Schema);
        return Enumerate(factory);
    }

    private IEnumerable<T> Enumerate<T>(Func<IArrowArray[], int, T> factory)
    {
        foreach (RecordBatch batch in _partitions)
        {
            IArrowArray[] columns = [.. batch.Arrays];
            for (int r = 0; r < batch.Length; r++)
            {
                yield return factory(columns, r);
            }
        }
    }

    /// <summary>A frame over record batches that share <paramref name="schema"/> (no copy).</summary>
    /// <exception cref="ArgumentException">A batch's column names or types differ from the schema.</exception>
    public static ArrowFrame FromArrow(Schema schema, IEnumerable<RecordBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(batches);
        return new ArrowFrame(schema, batches);
    }

    /// <summary>A frame over record batches (no copy); the first batch's schema is the frame's, and no batch gives <see cref="Empty"/>.</summary>
    /// <exception cref="ArgumentException">The batches' column names or types differ.</exception>
    public static ArrowFrame FromArrow(IEnumerable<RecordBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        RecordBatch[] all = [.. batches];
        return all.Length == 0 ? Empty : new ArrowFrame(all[0].Schema, all);
    }

    /// <summary>Reads an Arrow IPC stream (from any Arrow implementation) into a frame: one partition per record batch.</summary>
    /// <param name="stream">The stream, read to its end-of-stream marker.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open.</param>
    /// <exception cref="ArrowFormatException">The stream is not valid Arrow IPC.</exception>
    public static ArrowFrame FromArrow(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new ArrowIpcReader(stream, leaveOpen: leaveOpen);
        Schema schema = reader.Schema;
        return new ArrowFrame(schema, [.. reader.ReadRecordBatches()]);
    }

    /// <summary>Reads an Arrow IPC stream into a frame, asynchronously.</summary>
    /// <param name="stream">The stream, read to its end-of-stream marker.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ArrowFormatException">The stream is not valid Arrow IPC.</exception>
    public static async Task<ArrowFrame> FromArrowAsync(Stream stream, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new ArrowIpcReader(stream, leaveOpen: leaveOpen);
        await using (reader.ConfigureAwait(false))
        {
            Schema schema = await reader.ReadSchemaAsync(cancellationToken).ConfigureAwait(false);
            var batches = new List<RecordBatch>();
            await foreach (RecordBatch batch in reader.ReadRecordBatchesAsync(cancellationToken).ConfigureAwait(false))
            {
                batches.Add(batch);
            }

            return new ArrowFrame(schema, batches);
        }
    }

    /// <summary>Writes the frame as an Arrow IPC stream: the schema, one record batch per partition, the end marker. The stream stays open.</summary>
    public void WriteArrow(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new ArrowIpcWriter(stream, Schema, leaveOpen: true);
        foreach (RecordBatch batch in _partitions)
        {
            writer.WriteRecordBatch(batch);
        }

        writer.WriteEnd();
    }

    /// <summary>Writes the frame as an Arrow IPC stream, asynchronously. The stream stays open.</summary>
    public async Task WriteArrowAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var writer = new ArrowIpcWriter(stream, Schema, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (RecordBatch batch in _partitions)
            {
                await writer.WriteRecordBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            await writer.WriteEndAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One partition per <paramref name="partitionRows"/> values, each appended as a span (one copy for fixed-width columns).</summary>
    private static void Feed<T>(ColumnEncoder<T> encoder, T[] values, int partitionRows)
    {
        for (int start = 0; start < values.Length; start += partitionRows)
        {
            int length = Math.Min(partitionRows, values.Length - start);
            encoder.Reserve(length);
            encoder.AppendRange(values.AsSpan(start, length));
            encoder.EndPartition();
        }

        if (values.Length == 0)
        {
            encoder.EndPartition();
        }
    }

    private static List<int> PartitionLengths(int rows, int partitionRows)
    {
        var lengths = new List<int>();
        for (int start = 0; start < rows; start += partitionRows)
        {
            lengths.Add(Math.Min(partitionRows, rows - start));
        }

        if (lengths.Count == 0)
        {
            lengths.Add(0);
        }

        return lengths;
    }

    private static void EndPartition(ColumnEncoder[] encoders, List<int> lengths, int rows)
    {
        foreach (ColumnEncoder e in encoders)
        {
            e.EndPartition();
        }

        lengths.Add(rows);
    }

    /// <summary>The frame of completed encoders: their fields make the schema, their arrays the partitions.</summary>
    private static ArrowFrame Assemble(ColumnEncoder[] encoders, List<int> lengths)
    {
        var completed = encoders.Select(e => e.Complete()).ToArray();
        var schema = new Schema(completed.Select(c => c.Field), metadata: null);
        var batches = new RecordBatch[lengths.Count];
        for (int p = 0; p < batches.Length; p++)
        {
            batches[p] = new RecordBatch(schema, completed.Select(c => c.Partitions[p]), lengths[p]);
        }

        return new ArrowFrame(schema, batches);
    }
}
