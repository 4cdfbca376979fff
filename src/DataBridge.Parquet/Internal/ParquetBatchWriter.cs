using ParquetSharp;
using ParquetSharp.Arrow;

namespace DataBridge.Parquet.Internal;

/// <summary>
/// One Parquet file being written. Batches go through the native writer's buffered path, which cuts a row group
/// every <see cref="ParquetWriteOptions.RowGroupRows"/> rows whatever the batch sizes, so it holds one row group
/// at most. The Arrow schema is stored in the file so that readers (this one, pyarrow) get the types back.
/// </summary>
internal sealed class ParquetBatchWriter : IDisposable
{
    private readonly string _path;
    private readonly Schema _schema;
    private readonly ParquetWriteSchema _plan;
    private readonly FileWriter _writer;
    private bool _closed;

    private ParquetBatchWriter(string path, Schema schema, ParquetWriteSchema plan, FileWriter writer)
    {
        _path = path;
        _schema = schema;
        _plan = plan;
        _writer = writer;
    }

    public long RowsWritten { get; private set; }

    public static ParquetBatchWriter Create(string path, Schema schema, ParquetWriteOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (schema.FieldsList is not { Count: > 0 })
        {
            throw new ArgumentException(
                $"Cannot write '{path}': the schema has no columns, and a Parquet file needs at least one (did the source give no batch, or the run set no output?).",
                nameof(schema));
        }

        // Refused types are found before the file is created: nothing is written.
        ParquetWriteSchema plan = ParquetWriteSchema.Create(path, schema);

        using var builder = new WriterPropertiesBuilder();
        builder.Compression(ToNative(options.Compression)).MaxRowGroupLength(options.RowGroupRows);
        if (options.CompressionLevel is int level)
        {
            builder.CompressionLevel(level);
        }

        using WriterProperties properties = builder.Build();
        using var arrowBuilder = new ArrowWriterPropertiesBuilder();
        using ArrowWriterProperties arrowProperties = arrowBuilder.StoreSchema().Build();
        try
        {
            return new ParquetBatchWriter(path, schema, plan, new FileWriter(path, plan.Schema, properties, arrowProperties));
        }
        catch (ParquetException e)
        {
            DeleteQuietly(path);
            throw ParquetErrors.Write(path, e);
        }
    }

    public void Write(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckMatches(batch);
        if (batch.Length == 0)
        {
            return;
        }

        RecordBatch toWrite = _plan.Convert(batch);
        try
        {
            _writer.WriteBufferedRecordBatch(toWrite);
        }
        catch (ParquetException e)
        {
            throw ParquetErrors.Write(_path, e);
        }

        RowsWritten += batch.Length;
    }

    public void Close()
    {
        try
        {
            _writer.Close();
            _closed = true;
        }
        catch (ParquetException e)
        {
            throw ParquetErrors.Write(_path, e);
        }
    }

    /// <summary>After a failure: a file without its footer is unreadable, so it is removed.</summary>
    public void Abort()
    {
        _writer.Dispose();
        _closed = true;
        DeleteQuietly(_path);
    }

    public void Dispose()
    {
        if (!_closed)
        {
            Abort();
        }

        _writer.Dispose();
    }

    private void CheckMatches(RecordBatch batch)
    {
        IReadOnlyList<Field> expected = _schema.FieldsList;
        IReadOnlyList<Field> actual = batch.Schema.FieldsList;
        if (actual.Count != expected.Count)
        {
            throw new ArgumentException(
                $"A batch written to '{_path}' has {actual.Count} columns; the schema has {expected.Count} ({string.Join(", ", expected.Select(f => f.Name))}).",
                "batches");
        }

        for (int i = 0; i < expected.Count; i++)
        {
            if (actual[i].Name != expected[i].Name || actual[i].DataType.TypeId != expected[i].DataType.TypeId)
            {
                throw new ArgumentException(
                    $"A batch written to '{_path}' has column {i} '{actual[i].Name}' of type {actual[i].DataType.Name}; the schema has '{expected[i].Name}' of type {expected[i].DataType.Name}.",
                    "batches");
            }
        }
    }

    private static Compression ToNative(ParquetCompression compression) => compression switch
    {
        ParquetCompression.None => Compression.Uncompressed,
        ParquetCompression.Snappy => Compression.Snappy,
        ParquetCompression.Gzip => Compression.Gzip,
        ParquetCompression.Brotli => Compression.Brotli,
        ParquetCompression.Lz4 => Compression.Lz4,
        ParquetCompression.Zstd => Compression.Zstd,
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, null),
    };

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
