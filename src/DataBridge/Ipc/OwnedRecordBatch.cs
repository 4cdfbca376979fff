namespace DataBridge.Ipc;

/// <summary>
/// An Apache.Arrow <see cref="RecordBatch"/> whose arrays are views over a message body the reader rented from
/// <see cref="BodyBufferPool"/>: disposing the batch returns the body to the pool.
/// </summary>
/// <remarks>
/// The lifetime is explicit and has no finalizer: a batch that is never disposed keeps its body, a managed array,
/// until the GC finds nothing referencing it, and every span over its values keeps it alive meanwhile, so no
/// finalizer can pull memory from under a reader (the failure Apache.Arrow's native buffers have, arrow-dotnet
/// #397). After <see cref="RecordBatch.Dispose()"/> the batch's arrays, and slices of them, must not be used: the
/// body may already hold another batch.
/// </remarks>
internal sealed class OwnedRecordBatch : RecordBatch
{
    private IDisposable? _owner;

    public OwnedRecordBatch(Schema schema, ArrayData[] columns, int length, IDisposable? owner)
        : base(schema, Build(columns), length)
    {
        _owner = owner;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Interlocked.Exchange(ref _owner, null)?.Dispose();
        }
    }

    private static IArrowArray[] Build(ArrayData[] columns)
    {
        var arrays = new IArrowArray[columns.Length];
        for (int i = 0; i < arrays.Length; i++)
        {
            arrays[i] = ArrowArrayFactory.BuildArray(columns[i]);
        }

        return arrays;
    }
}
