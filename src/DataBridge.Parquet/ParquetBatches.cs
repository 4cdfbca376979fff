using System.Runtime.CompilerServices;
using DataBridge.Parquet.Internal;

namespace DataBridge.Parquet;

/// <summary>
/// Parquet files as Apache.Arrow record batches: <see cref="ReadAsync"/> streams a file one row group at a time,
/// the <c>WriteAsync</c> overloads write batches (or an <see cref="ArrowFrame"/> / <see cref="RunResult"/>) back.
/// </summary>
/// <remarks>
/// <para>Built on ParquetSharp's Arrow API (Apache Arrow C++ through the C Data Interface): the batches read are
/// backed by native memory that their <see cref="RecordBatch.Dispose()"/> frees. Dispose each batch when done with it
/// to keep memory bounded; one not disposed is freed when the garbage collector finalizes it.</para>
/// <para>Types: every Arrow type of docs/type-mapping.md except intervals, unions and run-end encoded arrays is
/// written; the Arrow schema is stored in the file (<c>ARROW:schema</c>, as pyarrow does), so types, field
/// metadata and schema metadata come back as written, apart from the mappings listed in docs/parquet.md
/// (timestamp[s] → timestamp[ms], time32[s] → time32[ms], date64 → date32, fixed-size list → list).</para>
/// </remarks>
public static class ParquetBatches
{
    /// <summary>Reads the Arrow schema of a Parquet file (the stored Arrow schema when the file has one).</summary>
    /// <param name="path">The Parquet file.</param>
    /// <returns>The schema; no data is read.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ParquetFormatException">The file is not a readable Parquet file.</exception>
    public static Schema ReadSchema(string path)
    {
        using ParquetBatchReader reader = ParquetBatchReader.Open(path, ParquetReadOptions.Default);
        return reader.Schema;
    }

    /// <summary>
    /// Streams a Parquet file as record batches, one row group at a time: the next row group is decoded only after
    /// every batch of the previous one was handed out, so the reader holds one row group's data at most.
    /// </summary>
    /// <param name="path">The Parquet file.</param>
    /// <param name="options">Batch size and column selection; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The batches in file order, none for a file without rows. The caller owns each batch (dispose it).</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">A selected column is not in the file.</exception>
    /// <exception cref="ParquetFormatException">The file is not a readable Parquet file, or a row group is corrupt.</exception>
    public static async IAsyncEnumerable<RecordBatch> ReadAsync(
        string path, ParquetReadOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= ParquetReadOptions.Default;
        options.Validate();
        using ParquetBatchReader reader = ParquetBatchReader.Open(path, options);
        for (int rowGroup = 0; rowGroup < reader.RowGroupCount; rowGroup++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using Apache.Arrow.Ipc.IArrowArrayStream stream = reader.OpenRowGroup(rowGroup);
            while (await reader.ReadNextAsync(stream, rowGroup, cancellationToken).ConfigureAwait(false) is { } batch)
            {
                yield return batch;
            }
        }
    }

    /// <summary>Reads a whole Parquet file into an <see cref="ArrowFrame"/>, one partition per batch.</summary>
    /// <param name="path">The Parquet file.</param>
    /// <param name="options">Batch size (= the partitions' size at most) and column selection; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The frame; its schema is the file's (the selected columns) also when the file has no rows.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">A selected column is not in the file.</exception>
    /// <exception cref="ParquetFormatException">The file is not a readable Parquet file.</exception>
    public static async Task<ArrowFrame> ReadFrameAsync(string path, ParquetReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ParquetReadOptions.Default;
        options.Validate();
        Schema schema;
        using (ParquetBatchReader reader = ParquetBatchReader.Open(path, options))
        {
            schema = reader.Schema;
        }

        var batches = new List<RecordBatch>();
        await foreach (RecordBatch batch in ReadAsync(path, options, cancellationToken).ConfigureAwait(false))
        {
            batches.Add(batch);
        }

        return ArrowFrame.FromArrow(schema, batches);
    }

    /// <summary>
    /// Writes record batches to a Parquet file (created or overwritten), cutting row groups of
    /// <see cref="ParquetWriteOptions.RowGroupRows"/> rows. The batches are consumed one at a time; the writer holds
    /// at most one row group.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="schema">The batches' schema.</param>
    /// <param name="batches">The batches; each must have <paramref name="schema"/>'s column names and types.</param>
    /// <param name="options">Row group size and compression; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="UnsupportedArrowFeatureException">A column's type cannot be written to Parquet (the message names the file and the column); nothing is written.</exception>
    /// <exception cref="ArgumentException">A batch does not match <paramref name="schema"/>, or the schema has no columns.</exception>
    /// <exception cref="ParquetFormatException">The Parquet library refused the data or the file.</exception>
    /// <remarks>When writing fails or is cancelled, the partial file is deleted.</remarks>
    public static async Task<long> WriteAsync(
        string path, Schema schema, IAsyncEnumerable<RecordBatch> batches, ParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        using ParquetBatchWriter writer = ParquetBatchWriter.Create(path, schema, options ?? ParquetWriteOptions.Default);
        try
        {
            await foreach (RecordBatch batch in batches.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                writer.Write(batch);
            }

            writer.Close();
            return writer.RowsWritten;
        }
        catch
        {
            writer.Abort();
            throw;
        }
    }

    /// <summary>
    /// Writes record batches whose schema is known only from the first batch (a Python run's output streamed by
    /// <see cref="PythonBridge.RunStreamingAsync(IAsyncEnumerable{RecordBatch}, string, RunContext?, CancellationToken)"/>)
    /// to a Parquet file (created or overwritten). A source without batches raises <see cref="ArgumentException"/>:
    /// there is no schema to write, and a Parquet file needs at least one column.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="batches">The batches; every one must have the first one's column names and types.</param>
    /// <param name="options">Row group size and compression; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="UnsupportedArrowFeatureException">A column's type cannot be written to Parquet (the message names the file and the column).</exception>
    /// <exception cref="ArgumentException">A batch does not match the first one's schema, or the source has no batch.</exception>
    /// <exception cref="ParquetFormatException">The Parquet library refused the data or the file.</exception>
    /// <remarks>When writing fails or is cancelled, the partial file is deleted.</remarks>
    public static async Task<long> WriteAsync(
        string path, IAsyncEnumerable<RecordBatch> batches, ParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(batches);
        IAsyncEnumerator<RecordBatch> source = batches.GetAsyncEnumerator(cancellationToken);
        await using (source.ConfigureAwait(false))
        {
            if (!await source.MoveNextAsync().ConfigureAwait(false))
            {
                throw new ArgumentException($"Cannot write '{path}': the source gave no batch, so there is no schema to write.", nameof(batches));
            }

            RecordBatch first = source.Current;
            return await WriteAsync(path, first.Schema, Rest(first, source), options, cancellationToken).ConfigureAwait(false);
        }

        static async IAsyncEnumerable<RecordBatch> Rest(RecordBatch first, IAsyncEnumerator<RecordBatch> source)
        {
            yield return first;
            while (await source.MoveNextAsync().ConfigureAwait(false))
            {
                yield return source.Current;
            }
        }
    }

    /// <summary>Writes record batches to a Parquet file (created or overwritten); see the asynchronous-source overload.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="schema">The batches' schema.</param>
    /// <param name="batches">The batches; each must have <paramref name="schema"/>'s column names and types.</param>
    /// <param name="options">Row group size and compression; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="UnsupportedArrowFeatureException">A column's type cannot be written to Parquet (the message names the file and the column); nothing is written.</exception>
    /// <exception cref="ArgumentException">A batch does not match <paramref name="schema"/>, or the schema has no columns.</exception>
    /// <exception cref="ParquetFormatException">The Parquet library refused the data or the file.</exception>
    public static Task<long> WriteAsync(
        string path, Schema schema, IEnumerable<RecordBatch> batches, ParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        using ParquetBatchWriter writer = ParquetBatchWriter.Create(path, schema, options ?? ParquetWriteOptions.Default);
        try
        {
            foreach (RecordBatch batch in batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                writer.Write(batch);
            }

            writer.Close();
            return Task.FromResult(writer.RowsWritten);
        }
        catch (OperationCanceledException e)
        {
            writer.Abort();
            return Task.FromCanceled<long>(e.CancellationToken.IsCancellationRequested ? e.CancellationToken : cancellationToken);
        }
        catch
        {
            writer.Abort();
            throw;
        }
    }

    /// <summary>Writes an <see cref="ArrowFrame"/>'s partitions to a Parquet file (created or overwritten).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="frame">The frame.</param>
    /// <param name="options">Row group size and compression; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels between partitions.</param>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="UnsupportedArrowFeatureException">A column's type cannot be written to Parquet.</exception>
    public static Task<long> WriteAsync(string path, ArrowFrame frame, ParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return WriteAsync(path, frame.Schema, frame.Partitions, options, cancellationToken);
    }

    /// <summary>Writes a run's output batches to a Parquet file (created or overwritten).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="result">The run's result; one without columns (a run that never set an output) raises <see cref="ArgumentException"/>.</param>
    /// <param name="options">Row group size and compression; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="UnsupportedArrowFeatureException">A column's type cannot be written to Parquet.</exception>
    public static Task<long> WriteAsync(string path, RunResult result, ParquetWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        return WriteAsync(path, result.Schema, result.Batches, options, cancellationToken);
    }
}
