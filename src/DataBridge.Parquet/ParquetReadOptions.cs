namespace DataBridge.Parquet;

/// <summary>How <see cref="ParquetBatches.ReadAsync"/> reads a Parquet file.</summary>
public sealed class ParquetReadOptions
{
    internal static readonly ParquetReadOptions Default = new();

    /// <summary>
    /// The most rows in one record batch. Default 65,536. A row group longer than this is returned as several
    /// batches; a batch never spans two row groups.
    /// </summary>
    public int MaxRowsPerBatch { get; init; } = 65_536;

    /// <summary>
    /// The top-level columns to read, by name; null (the default) reads them all. The batches hold the selected
    /// columns in the file's order. A name the file does not have raises <see cref="ArgumentException"/>
    /// naming it and the file.
    /// </summary>
    public IReadOnlyList<string>? Columns { get; init; }

    internal void Validate()
    {
        if (MaxRowsPerBatch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRowsPerBatch), MaxRowsPerBatch, "MaxRowsPerBatch must be positive.");
        }

        if (Columns is not null && Columns.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Columns must not contain null or empty names.", nameof(Columns));
        }
    }
}
