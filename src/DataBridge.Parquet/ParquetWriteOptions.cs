namespace DataBridge.Parquet;

/// <summary>How <see cref="ParquetBatches"/> writes a Parquet file.</summary>
public sealed class ParquetWriteOptions
{
    internal static readonly ParquetWriteOptions Default = new();

    /// <summary>
    /// The most rows in one row group. Default 1,048,576 (pyarrow's). Batches are buffered until a row group is
    /// full, so one row group is the most the writer holds; a reader of the file holds one row group at a time
    /// too, so this is also the unit of a reader's memory.
    /// </summary>
    public long RowGroupRows { get; init; } = 1_048_576;

    /// <summary>The codec for every column. Default <see cref="ParquetCompression.Snappy"/>.</summary>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;

    /// <summary>
    /// The codec's level (Gzip 1–9, Brotli 0–11, Zstd 1–22); null (the default) takes the codec's default.
    /// Snappy and LZ4 have no levels.
    /// </summary>
    public int? CompressionLevel { get; init; }

    internal void Validate()
    {
        if (RowGroupRows <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RowGroupRows), RowGroupRows, "RowGroupRows must be positive.");
        }

        if (!Enum.IsDefined(Compression))
        {
            throw new ArgumentOutOfRangeException(nameof(Compression), Compression, "Unknown ParquetCompression value.");
        }

        if (CompressionLevel is not null && Compression is ParquetCompression.None or ParquetCompression.Snappy or ParquetCompression.Lz4)
        {
            throw new ArgumentException($"{Compression} has no compression levels; leave CompressionLevel null.", nameof(CompressionLevel));
        }
    }
}
