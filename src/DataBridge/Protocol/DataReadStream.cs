namespace DataBridge.Protocol;

/// <summary>
/// The output side of one run as a read-only <see cref="Stream"/>: the data chunks of the worker's frames,
/// concatenated, are exactly one Arrow IPC stream, which this stream hands to an Arrow reader. Control
/// frames met on the way are dispatched: LOG to the run's log sink, TIMING recorded, TRAILER and
/// END_OF_DATA end the data (the stream reports end of input), PYTHON_EXCEPTION finishes the run's frames
/// and is thrown as <see cref="PythonWorkerException"/>. After the Arrow reader is done,
/// <see cref="FinishAsync"/> reads the rest of the run and checks the trailer against what the reader saw.
/// </summary>
internal sealed class DataReadStream : ChunkedReadStream
{
    private readonly Action<LogRecord> _log;
    private readonly Func<TimeSpan> _elapsed;

    /// <summary>Creates the stream for one run.</summary>
    /// <param name="reader">The connection's frame reader, positioned after the run header was sent.</param>
    /// <param name="log">Receives the run's LOG frames.</param>
    /// <param name="elapsed">The host's elapsed time of the run, stamped into the timings.</param>
    /// <param name="shared">The worker's output region, when the connection has one (section 2.6).</param>
    /// <param name="input">The run's input region, which the worker's SHARED_ECHO frames point into (section 2.6).</param>
    public DataReadStream(FrameReader reader, Action<LogRecord> log, Func<TimeSpan> elapsed, ISharedMemory? shared = null, ISharedMemory? input = null)
        : base(reader, shared, input)
    {
        // No range or echo of this run is consumed yet (the clearing after the last run zeroed the words too).
        shared?.PublishInt64(SharedConsumedOffset, 0);
        input?.PublishInt64(SharedEchoesConsumedOffset, 0);
        _log = log;
        _elapsed = elapsed;
    }

    /// <summary>The run's timings, once the TIMING frame was read.</summary>
    public RunTimings? Timings { get; private set; }

    /// <summary>Whether the code called <c>set_output</c> (TIMING's <c>output_set</c>); true until TIMING says otherwise.</summary>
    public bool OutputSet { get; private set; } = true;

    /// <summary>Whether END_OF_DATA was read.</summary>
    public bool EndOfDataSeen { get; private set; }

    /// <summary>Whether the worker ended the run with END_OF_STREAM: the connection is in a clean state.</summary>
    public bool EndOfStreamSeen { get; private set; }

    /// <summary>The Python exception the worker reported, if any (it is also thrown).</summary>
    public PythonWorkerException? PythonError { get; private set; }

    /// <inheritdoc />
    protected override string Subject => "the worker's output";

    /// <summary>
    /// Called once the Arrow reader returned the end of its stream with <paramref name="rows"/> rows in
    /// <paramref name="batches"/> batches: reads the remaining frames of the run up to END_OF_STREAM and checks
    /// the trailer. Throws <see cref="PythonWorkerException"/> when the worker reported an error, and
    /// <see cref="DataBridgeException"/> on extra data, a missing trailer or a count mismatch.
    /// </summary>
    public async ValueTask FinishAsync(long rows, long batches, CancellationToken cancellationToken)
    {
        await CheckTrailerAsync(rows, batches, cancellationToken).ConfigureAwait(false);
        while (!EndOfDataSeen)
        {
            int prefix = await Reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
            if (prefix is >= 0 or FrameCode.SharedData or FrameCode.SharedEcho)
            {
                throw new DataBridgeException("Protocol error: the worker sent data after its output trailer.");
            }

            await HandleControlAsync(prefix, cancellationToken).ConfigureAwait(false);
        }

        await ReadEndOfStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    // Dispatches one control frame met while the run's output is open.
    protected override ValueTask OnControlAsync(int code, CancellationToken cancellationToken) => HandleControlAsync(code, cancellationToken);

    private async ValueTask HandleControlAsync(int code, CancellationToken cancellationToken)
    {
        switch (code)
        {
            case FrameCode.Log:
                _log(ProtocolJson.ParseLog(await Reader.ReadPayloadAsync(code, ProtocolConstants.MaxControlFrameBytes, cancellationToken).ConfigureAwait(false)));
                break;
            case FrameCode.Timing:
                Timings = ProtocolJson.ParseTiming(await Reader.ReadPayloadAsync(code, ProtocolConstants.MaxControlFrameBytes, cancellationToken).ConfigureAwait(false), _elapsed(), out bool outputSet);
                OutputSet = outputSet;
                break;
            case FrameCode.EndOfData:
                EndOfDataSeen = true;
                DataEnded = true;
                break;
            case FrameCode.PythonException:
                PythonWorkerException error = ProtocolJson.ParsePythonException(
                    await Reader.ReadPayloadAsync(code, ProtocolConstants.MaxControlFrameBytes, cancellationToken).ConfigureAwait(false));
                PythonError = error;
                EndData();
                await FinishAfterExceptionAsync(cancellationToken).ConfigureAwait(false);
                throw error;
            default:
                ProtocolErrors.ThrowUnexpectedFrame(code, "in a run's output");
                break;
        }
    }

    // After PYTHON_EXCEPTION the worker sends TIMING, END_OF_DATA and END_OF_STREAM: read them so the
    // connection is clean and the worker reusable. A connection that breaks here leaves it unusable, but the
    // Python error is what the caller needs to see, so that failure is swallowed into the state flags.
    private async ValueTask FinishAfterExceptionAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!EndOfDataSeen)
            {
                int prefix = await Reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
                if (prefix >= 0 || prefix is FrameCode.PythonException or FrameCode.Trailer)
                {
                    return;
                }

                await HandleControlAsync(prefix, cancellationToken).ConfigureAwait(false);
            }

            await ReadEndOfStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DataBridgeException or IOException or ObjectDisposedException)
        {
            EndOfStreamSeen = false;
        }
    }

    private async ValueTask ReadEndOfStreamAsync(CancellationToken cancellationToken)
    {
        int last = await Reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
        if (last != FrameCode.EndOfStream)
        {
            ProtocolErrors.ThrowUnexpectedFrame(last, "after the worker's END_OF_DATA (expected END_OF_STREAM)");
        }

        EndOfStreamSeen = true;
    }
}
