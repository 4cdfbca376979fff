using System.Runtime.CompilerServices;
using DataBridge.Ipc;

namespace DataBridge.Internal;

/// <summary>
/// A run's input, whatever the caller gave: batches (synchronous or asynchronous) or an Arrow IPC stream,
/// which is decoded so its batches can be re-sliced to the bridge's bounds like any others.
/// </summary>
internal sealed class InputSource
{
    private readonly IEnumerable<RecordBatch>? _batches;
    private readonly IAsyncEnumerable<RecordBatch>? _asyncBatches;
    private readonly Stream? _stream;
    private readonly Apache.Arrow.Ipc.IArrowArrayStream? _arrayStream;

    private InputSource(IEnumerable<RecordBatch>? batches, IAsyncEnumerable<RecordBatch>? asyncBatches, Stream? stream, Apache.Arrow.Ipc.IArrowArrayStream? arrayStream = null)
    {
        _batches = batches;
        _asyncBatches = asyncBatches;
        _stream = stream;
        _arrayStream = arrayStream;
    }

    /// <summary>The input schema when known without a batch (an Arrow stream's schema), else null.</summary>
    public Schema? Schema { get; private set; }

    /// <summary>
    /// Whether the input is an in-memory collection: all of it at hand, so writing it never waits for anything, and a
    /// small run's header, data and closing frames can reach the worker in one write.
    /// </summary>
    public bool IsReady => ReadyCount is not null;

    // The number of batches of an in-memory collection, else null.
    private int? ReadyCount => _batches switch
    {
        ICollection<RecordBatch> collection => collection.Count,
        IReadOnlyCollection<RecordBatch> collection => collection.Count,
        _ => null,
    };

    /// <summary>
    /// The Arrow buffer bytes of a ready input (<see cref="IsReady"/>) of at most <paramref name="maxBatches"/> batches, or
    /// null (not ready, or more batches): what a run needs to tell a small input, which it writes without a thread hop.
    /// </summary>
    public long? ReadyBytes(int maxBatches)
    {
        if (ReadyCount is not { } count || count > maxBatches)
        {
            return null;
        }

        long total = 0;
        foreach (RecordBatch batch in _batches!)
        {
            total += batch is null ? 0 : BatchSlicer.EstimateBytes(batch);
        }

        return total;
    }

    /// <summary>Whether the batches were created here (decoded from a stream) and must be disposed after sending.</summary>
    public bool OwnsBatches => _stream is not null || _arrayStream is not null;

    public static InputSource From(IEnumerable<RecordBatch> batches) => new(batches, null, null);

    public static InputSource From(IAsyncEnumerable<RecordBatch> batches) => new(null, batches, null);

    public static InputSource From(Stream arrowIpcStream) => new(null, null, arrowIpcStream);

    /// <summary>An Apache.Arrow array stream: its schema is known up front; the batches read from it are the run's to dispose.</summary>
    public static InputSource From(Apache.Arrow.Ipc.IArrowArrayStream arrayStream) => new(null, null, null, arrayStream);

    /// <summary>The batches, in order.</summary>
    public async IAsyncEnumerable<RecordBatch> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_batches is not null)
        {
            foreach (RecordBatch batch in _batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return batch ?? throw new ArgumentException("The input holds a null batch.");
            }
        }
        else if (_asyncBatches is not null)
        {
            await foreach (RecordBatch batch in _asyncBatches.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return batch ?? throw new ArgumentException("The input holds a null batch.");
            }
        }
        else if (_arrayStream is not null)
        {
            Schema = _arrayStream.Schema;
            while (await _arrayStream.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
            {
                yield return batch;
            }
        }
        else
        {
            var reader = new ArrowIpcReader(_stream!, leaveOpen: true);
            await using (reader.ConfigureAwait(false))
            {
                Schema = await reader.ReadSchemaAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
                {
                    yield return batch;
                }
            }
        }
    }
}
