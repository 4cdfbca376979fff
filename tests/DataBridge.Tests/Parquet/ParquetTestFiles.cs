namespace DataBridge.Tests.Parquet;

/// <summary>A temporary directory per test fixture for the Parquet files the tests write.</summary>
internal sealed class ParquetTestFiles : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("databridge-parquet-tests-").FullName;
    private int _next;

    public string NewPath(string name = "data") => Path.Combine(_dir, $"{name}-{Interlocked.Increment(ref _next)}.parquet");

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
