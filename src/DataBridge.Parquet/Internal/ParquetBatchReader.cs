using Apache.Arrow.Ipc;
using ParquetSharp;
using ParquetSharp.Arrow;

namespace DataBridge.Parquet.Internal;

/// <summary>
/// One open Parquet file and the choices of a read (columns, batch size). Each row group is read through its
/// own native record batch reader, opened by <see cref="OpenRowGroup"/> and disposed by the caller before the
/// next is opened: that is what keeps the decoded data to one row group.
/// </summary>
internal sealed class ParquetBatchReader : IDisposable
{
    private readonly string _path;
    private readonly FileReader _reader;
    private readonly ArrowReaderProperties _arrowProperties;
    private readonly int[]? _leafColumns;

    private ParquetBatchReader(string path, FileReader reader, ArrowReaderProperties arrowProperties, Schema schema, int[]? leafColumns)
    {
        _path = path;
        _reader = reader;
        _arrowProperties = arrowProperties;
        Schema = schema;
        _leafColumns = leafColumns;
        RowGroupCount = reader.NumRowGroups;
    }

    /// <summary>The schema of the batches: the file's, or the selected columns in file order.</summary>
    public Schema Schema { get; }

    public int RowGroupCount { get; }

    public static ParquetBatchReader Open(string path, ParquetReadOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Parquet file '{path}' does not exist.", path);
        }

        ArrowReaderProperties arrowProperties = ArrowReaderProperties.GetDefault();
        FileReader? reader = null;
        try
        {
            arrowProperties.BatchSize = options.MaxRowsPerBatch;
            try
            {
                reader = new FileReader(path, properties: null, arrowProperties);
            }
            catch (ParquetException e)
            {
                throw ParquetErrors.Read(path, e);
            }

            Schema fileSchema = reader.Schema;
            (Schema schema, int[]? leaves) = SelectColumns(path, reader, fileSchema, options.Columns);
            var result = new ParquetBatchReader(path, reader, arrowProperties, schema, leaves);
            reader = null;
            return result;
        }
        finally
        {
            if (reader is not null)
            {
                reader.Dispose();
                arrowProperties.Dispose();
            }
        }
    }

    public IArrowArrayStream OpenRowGroup(int rowGroup)
    {
        try
        {
            return _reader.GetRecordBatchReader([rowGroup], _leafColumns);
        }
        catch (ParquetException e)
        {
            throw ParquetErrors.Read(_path, e, rowGroup);
        }
    }

    public async ValueTask<RecordBatch?> ReadNextAsync(IArrowArrayStream stream, int rowGroup, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The C Data Interface reports a failed native read as a plain Exception carrying the C++ status text.
            throw ParquetErrors.Read(_path, e, rowGroup);
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _arrowProperties.Dispose();
    }

    /// <summary>
    /// Top-level names → the Parquet leaf column indices under them (a struct or list column has several leaves),
    /// which is what the native reader selects by.
    /// </summary>
    private static (Schema Schema, int[]? Leaves) SelectColumns(string path, FileReader reader, Schema fileSchema, IReadOnlyList<string>? names)
    {
        if (names is null)
        {
            return (fileSchema, null);
        }

        var wanted = new HashSet<string>(names, StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (fileSchema.GetFieldIndex(name) < 0)
            {
                throw new ArgumentException(
                    $"Column '{name}' is not in '{path}'. Its columns: {string.Join(", ", fileSchema.FieldsList.Select(f => f.Name))}.",
                    nameof(ParquetReadOptions.Columns));
            }
        }

        var leaves = new List<int>();
        var fields = new List<Field>();
        IReadOnlyList<SchemaField> manifest = reader.SchemaManifest.SchemaFields;
        for (int i = 0; i < fileSchema.FieldsList.Count; i++)
        {
            if (wanted.Contains(fileSchema.FieldsList[i].Name))
            {
                fields.Add(fileSchema.FieldsList[i]);
                CollectLeaves(manifest[i], leaves);
            }
        }

        return (new Schema(fields, fileSchema.Metadata), [.. leaves]);
    }

    private static void CollectLeaves(SchemaField field, List<int> leaves)
    {
        if (field.Children.Count == 0)
        {
            leaves.Add(field.ColumnIndex);
            return;
        }

        foreach (SchemaField child in field.Children)
        {
            CollectLeaves(child, leaves);
        }
    }
}
