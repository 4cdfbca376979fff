using DataBridge.Protocol;
using Microsoft.Extensions.Logging;

namespace DataBridge.Workers;

internal sealed partial class WorkerConnection
{
    /// <summary>
    /// Starts a run: sends the header (with the code text only if this connection has not sent its hash
    /// before) and starts writing the input concurrently with whatever reads the output.
    /// </summary>
    /// <param name="header">The header, with the code text set; it is dropped when the worker has the hash.</param>
    /// <param name="writeInput">Writes the input Arrow stream to the given stream and returns its counts.</param>
    /// <param name="log">Receives the run's LOG frames.</param>
    /// <param name="logger">Where the run's failures are logged.</param>
    /// <param name="cancellationToken">Cancelling kills the worker and ends every pending read and write.</param>
    /// <param name="ready">The input when it is all at hand (see <see cref="ReadyInput"/>), else null.</param>
    public Task<WorkerRun> StartRunAsync(
        RunHeader header,
        Func<Stream, CancellationToken, ValueTask<Trailer>> writeInput,
        Action<LogRecord> log,
        ILogger logger,
        CancellationToken cancellationToken,
        ReadyInput? ready = null)
    {
        ObjectDisposedException.ThrowIf(IsAborted, this);
        RunHeader sent = CodeHashes.Touch(header.CodeHash) ? header with { Code = null } : header;
        return WorkerRun.StartAsync(this, sent, writeInput, log, logger, ready, cancellationToken);
    }
}
