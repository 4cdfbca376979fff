namespace DataBridge.Protocol;

/// <summary>
/// The output side of one run as a read-only <see cref="Stream"/>: the data chunks of the worker's frames,
/// concatenated, are exactly one Arrow IPC stream, which this stream hands to an Arrow reader. Control
/// frames met on the way are dispatched: LOG to the run's log sink, TIMING recorded, TRAILER and
/// END_OF_DATA end the data (the stream reports end of input), PYTHON_EXCEPTION finishes the run's frames
/// and is thrown as <see cref="PythonWorkerException"/>. After the Arrow reader is done,
/// <see cref="FinishAsync"/> reads the rest of the run and checks the trailer against what the reader saw.
/// </summary>
internal sealed class DataReadStream : Stream
{
    private readonly FrameReader _reader;
    private readonly Action<LogRecord> _log;
    private readonly Func<TimeSpan> _elapsed;

    private long _chunkRemaining;
    private bool _dataEnded;

    /// <summary>Creates the stream for one run.</summary>
    /// <param name="reader">The connection's frame reader, positioned after the run header was sent.</param>
    /// <param name="log">Receives the run's LOG frames.</param>
    /// <param name="elapsed">The host's elapsed time of the run, stamped into the timings.</param>
    public DataReadStream(FrameReader reader, Action<LogRecord> log, Func<TimeSpan> elapsed)
    {
        _reader = reader;
        _log = log;
        _elapsed = elapsed;
    }

    /// <summary>The output trailer, once read.</summary>
    public Trailer? Trailer { get; private set; }

    /// <summary>The run's timings, once the TIMING frame was read.</summary>
    public RunTimings? Timings { get; private set; }

    /// <summary>Whether END_OF_DATA was read.</summary>
    public bool EndOfDataSeen { get; private set; }

    /// <summary>Whether the worker ended the run with END_OF_STREAM: the connection is in a clean state.</summary>
    public bool EndOfStreamSeen { get; private set; }

    /// <summary>The Python exception the worker reported, if any (it is also thrown).</summary>
    public PythonWorkerException? PythonError { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_chunkRemaining == 0)
        {
            if (_dataEnded)
            {
                return 0;
            }

            int prefix = await _reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
            if (prefix >= 0)
            {
                _chunkRemaining = prefix;
            }
            else
            {
                await HandleControlAsync(prefix, cancellationToken).ConfigureAwait(false);
            }
        }

        int want = (int)Math.Min(_chunkRemaining, buffer.Length);
        int read = await _reader.ReadDataAsync(buffer[..want], cancellationToken).ConfigureAwait(false);
        _chunkRemaining -= read;
        return read;
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    /// <remarks>The Arrow reader uses the asynchronous path; this blocking form exists for completeness.</remarks>
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Called once the Arrow reader returned the end of its stream with <paramref name="rows"/> rows in
    /// <paramref name="batches"/> batches: reads the remaining frames of the run up to END_OF_STREAM and checks
    /// the trailer. Throws <see cref="PythonWorkerException"/> when the worker reported an error, and
    /// <see cref="DataBridgeException"/> on extra data, a missing trailer or a count mismatch.
    /// </summary>
    public async ValueTask FinishAsync(long rows, long batches, CancellationToken cancellationToken)
    {
        // The Arrow reader stops after the EOS marker, so the trailer may still be ahead of us; anything but
        // control frames before it is data after the end of the Arrow stream.
        byte[]? scratch = null;
        while (!_dataEnded || _chunkRemaining > 0)
        {
            scratch ??= new byte[256];
            if (await ReadAsync(scratch, cancellationToken).ConfigureAwait(false) > 0)
            {
                throw new DataBridgeException("Protocol error: the worker sent data after the end of its Arrow output stream.");
            }
        }

        if (Trailer is not { } trailer)
        {
            throw new DataBridgeException("Protocol error: the worker's output ended without a TRAILER frame; the output may be truncated.");
        }

        if (trailer.Rows != rows || trailer.Batches != batches)
        {
            throw new DataBridgeException(
                $"Protocol error: the worker's output trailer announces {trailer.Rows} rows in {trailer.Batches} batches, but the stream held {rows} rows in {batches} batches.");
        }

        while (!EndOfDataSeen)
        {
            int prefix = await _reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
            if (prefix >= 0)
            {
                throw new DataBridgeException("Protocol error: the worker sent data after its output trailer.");
            }

            await HandleControlAsync(prefix, cancellationToken).ConfigureAwait(false);
        }

        await ReadEndOfStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    // Dispatches one control frame met while the run's output is open.
    private async ValueTask HandleControlAsync(int code, CancellationToken cancellationToken)
    {
        switch (code)
        {
            case FrameCode.Log:
                _log(ProtocolJson.ParseLog(await _reader.ReadPayloadAsync(code, ProtocolConstants.MaxControlFrameBytes, cancellationToken).ConfigureAwait(false)));
                break;
            case FrameCode.Timing:
                Timings = ProtocolJson.ParseTiming(await _reader.ReadPayloadAsync(code, ProtocolConstants.MaxControlFrameBytes, cancellationToken).ConfigureAwait(false), _elapsed());
                break;
            case FrameCode.Trailer when Trailer is null && !EndOfDataSeen:
                Trailer = await _reader.ReadTrailerBodyAsync(cancellationToken).ConfigureAwait(false);
                _dataEnded = true;
                break;
            case FrameCode.EndOfData:
                EndOfDataSeen = true;
                _dataEnded = true;
                break;
            case FrameCode.PythonException:
                PythonWorkerException error = ProtocolJson.ParsePythonException(
                    await _reader.ReadPayloadAsync(code, ProtocolConstants.MaxControlFrameBytes, cancellationToken).ConfigureAwait(false));
                PythonError = error;
                _dataEnded = true;
                _chunkRemaining = 0;
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
                int prefix = await _reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
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
        int last = await _reader.ReadPrefixAsync(cancellationToken).ConfigureAwait(false);
        if (last != FrameCode.EndOfStream)
        {
            ProtocolErrors.ThrowUnexpectedFrame(last, "after the worker's END_OF_DATA (expected END_OF_STREAM)");
        }

        EndOfStreamSeen = true;
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
