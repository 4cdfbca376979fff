namespace DataBridge.Internal;

/// <summary>
/// Counts what one call (a driver run, or all partitions of an executor call) moves, feeding the metrics
/// and the caller's <see cref="RunContext.Progress"/>. Thread-safe: executor lanes share one.
/// </summary>
internal sealed class RunMeter(IProgress<RunProgress>? progress, int partitions)
{
    private long _rowsSent;
    private long _bytesSent;
    private long _rowsReceived;
    private long _bytesReceived;
    private int _partitionsDone;

    public void Sent(RecordBatch batch)
    {
        long bytes = BufferBytes(batch);
        Telemetry.RowsSent.Add(batch.Length);
        Telemetry.BatchesSent.Add(1);
        Telemetry.BytesSent.Add(bytes);
        Interlocked.Add(ref _rowsSent, batch.Length);
        Interlocked.Add(ref _bytesSent, bytes);
        Report();
    }

    public void Received(RecordBatch batch)
    {
        long bytes = BufferBytes(batch);
        Telemetry.RowsReceived.Add(batch.Length);
        Telemetry.BatchesReceived.Add(1);
        Telemetry.BytesReceived.Add(bytes);
        Interlocked.Add(ref _rowsReceived, batch.Length);
        Interlocked.Add(ref _bytesReceived, bytes);
        Report();
    }

    public void PartitionDone()
    {
        Interlocked.Increment(ref _partitionsDone);
        Report();
    }

    private void Report() => progress?.Report(new RunProgress(
        Interlocked.Read(ref _rowsSent),
        Interlocked.Read(ref _bytesSent),
        Interlocked.Read(ref _rowsReceived),
        Interlocked.Read(ref _bytesReceived),
        Volatile.Read(ref _partitionsDone),
        partitions));

    /// <summary>The bytes of a batch's buffers (a slice counts the buffers it views: an upper bound).</summary>
    internal static long BufferBytes(RecordBatch batch) => BatchSlicer.EstimateBytes(batch);
}
