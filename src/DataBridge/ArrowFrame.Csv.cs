using System.Runtime.CompilerServices;
using System.Text;
using DataBridge.Frames;

namespace DataBridge;

public sealed partial class ArrowFrame
{
    /// <summary>
    /// Loads a CSV file (UTF-8, RFC 4180 quoting) into a frame of <see cref="CsvOptions.PartitionRows"/>-row
    /// partitions, with column types from <see cref="CsvOptions.Schema"/> or inferred from the first
    /// <see cref="CsvOptions.InferenceRows"/> rows. The rules are in docs/dataframe.md.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Separator, header, schema, nulls, …; null for the defaults.</param>
    /// <exception cref="CsvFormatException">A malformed record or a value that does not parse; the message and <see cref="CsvFormatException.LineNumber"/> say where.</exception>
    /// <exception cref="NotSupportedException">The schema has a type CSV cannot hold.</exception>
    public static ArrowFrame LoadCsv(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return LoadCsv(OpenRead(path), options, leaveOpen: false);
    }

    /// <summary>Loads CSV from a stream (read to its end).</summary>
    /// <param name="stream">UTF-8 CSV (a BOM is skipped).</param>
    /// <param name="options">Separator, header, schema, nulls, …; null for the defaults.</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open.</param>
    /// <exception cref="CsvFormatException">A malformed record or a value that does not parse.</exception>
    /// <exception cref="NotSupportedException">The schema has a type CSV cannot hold.</exception>
    public static ArrowFrame LoadCsv(Stream stream, CsvOptions? options = null, bool leaveOpen = false)
    {
        using var reader = new CsvPartitionReader(stream, options, leaveOpen);
        Schema schema = reader.ReadSchema();
        var partitions = new List<RecordBatch>();
        while (reader.Read() is { } batch)
        {
            partitions.Add(batch);
        }

        return new ArrowFrame(schema, partitions);
    }

    /// <summary>
    /// Streams a CSV file as record batches of <see cref="CsvOptions.PartitionRows"/> rows, read lazily: only
    /// the read buffer and the current partition are in memory, so files larger than memory can be processed
    /// (or passed straight to <see cref="PythonBridge.RunAsync(IEnumerable{RecordBatch}, string, RunContext?, CancellationToken)"/>).
    /// The file stays open until the enumeration ends.
    /// </summary>
    /// <exception cref="CsvFormatException">During enumeration: a malformed record or a value that does not parse.</exception>
    public static IEnumerable<RecordBatch> ReadCsvPartitions(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        (options ?? new CsvOptions()).Validate();

        // The file is opened when the enumeration starts and closed when it ends.
        return IterateCsv(() => new CsvPartitionReader(OpenRead(path), options, leaveOpen: false));
    }

    /// <summary>Streams CSV from a stream as record batches, read lazily (see <see cref="ReadCsvPartitions(string, CsvOptions?)"/>).</summary>
    /// <exception cref="CsvFormatException">During enumeration: a malformed record or a value that does not parse.</exception>
    public static IEnumerable<RecordBatch> ReadCsvPartitions(Stream stream, CsvOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        (options ?? new CsvOptions()).Validate();
        return IterateCsv(() => new CsvPartitionReader(stream, options, leaveOpen));
    }

    private static IEnumerable<RecordBatch> IterateCsv(Func<CsvPartitionReader> open)
    {
        using CsvPartitionReader reader = open();
        while (reader.Read() is { } batch)
        {
            yield return batch;
        }
    }

    /// <summary>Streams CSV as record batches, reading asynchronously (see <see cref="ReadCsvPartitions(string, CsvOptions?)"/>).</summary>
    /// <exception cref="CsvFormatException">During enumeration: a malformed record or a value that does not parse.</exception>
    public static async IAsyncEnumerable<RecordBatch> ReadCsvPartitionsAsync(
        Stream stream,
        CsvOptions? options = null,
        bool leaveOpen = false,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new CsvPartitionReader(stream, options, leaveOpen);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } batch)
        {
            yield return batch;
        }
    }

    /// <summary>Writes the frame as a UTF-8 CSV file (rules in docs/dataframe.md); LoadCsv reads it back.</summary>
    /// <param name="path">The file, created or overwritten.</param>
    /// <param name="options">Separator, header, line end; null for the defaults.</param>
    public void SaveCsv(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        SaveCsv(file, options);
    }

    /// <summary>Writes the frame as UTF-8 CSV to a stream, which stays open.</summary>
    /// <param name="stream">The destination.</param>
    /// <param name="options">Separator, header, line end; null for the defaults.</param>
    public void SaveCsv(Stream stream, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
        CsvWriter.Write(this, writer, options ?? new CsvOptions());
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
}
