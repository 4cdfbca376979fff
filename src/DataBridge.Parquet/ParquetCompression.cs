namespace DataBridge.Parquet;

/// <summary>The codec a Parquet file's column chunks are compressed with (<see cref="ParquetWriteOptions.Compression"/>).</summary>
public enum ParquetCompression
{
    /// <summary>No compression.</summary>
    None,

    /// <summary>Snappy: fast, modest ratio; pyarrow's and Spark's default.</summary>
    Snappy,

    /// <summary>Gzip (deflate): slower, smaller files; read everywhere.</summary>
    Gzip,

    /// <summary>Brotli.</summary>
    Brotli,

    /// <summary>LZ4 (the Parquet <c>LZ4_RAW</c> codec).</summary>
    Lz4,

    /// <summary>Zstandard: a good ratio at Snappy-like read speed.</summary>
    Zstd,
}
