namespace DataBridge.Servers;

/// <summary>
/// The bytes a data server's uploads hold, against <see cref="ServerOptions.MaxUploadBytes"/> (each upload)
/// and <see cref="ServerOptions.MaxTotalUploadBytes"/> (stored results plus uploads being received).
/// </summary>
/// <remarks>
/// Bytes are charged as the upload's stream delivers them (<see cref="DataChunkReadStream"/>), so only bytes
/// actually received count, never a declared length. An upload's bytes stay charged while it is received and,
/// once stored, until the results are detached; a refused, failed or duplicate upload gives its bytes back.
/// Thread-safe: every connection of the server charges the same instance.
/// </remarks>
internal sealed class UploadQuota
{
    private readonly long _perUpload;
    private readonly long _total;
    private long _held;

    public UploadQuota(long perUpload, long total)
    {
        _perUpload = perUpload;
        _total = total;
    }

    /// <summary>The bytes charged now, by every upload together.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>
    /// How many of <paramref name="wanted"/> bytes an upload that holds <paramref name="received"/> may read
    /// next: never more than one byte past the per-upload limit, enough to see that it was passed.
    /// </summary>
    public int Allowance(long received, int wanted) => (int)Math.Min(wanted, _perUpload - received + 1);

    /// <summary>
    /// Charges <paramref name="count"/> more bytes to an upload that holds <paramref name="received"/>.
    /// When that passes a limit nothing is charged and <see cref="ServerRequestException"/> names the limit
    /// and <paramref name="upload"/> ("the upload of partition 3"); the client receives it as ERROR.
    /// </summary>
    public void Charge(long received, int count, string upload)
    {
        if (count > _perUpload - received)
        {
            throw new ServerRequestException(
                $"Upload refused: {upload} passed the data server's limit of {_perUpload} bytes per upload (ServerOptions.MaxUploadBytes); nothing of it was stored.");
        }

        if (Interlocked.Add(ref _held, count) > _total)
        {
            Interlocked.Add(ref _held, -count);
            throw new ServerRequestException(
                $"Upload refused: {upload} would take the bytes held by the data server's uploads past its limit of {_total} bytes in all (ServerOptions.MaxTotalUploadBytes); nothing of it was stored.");
        }
    }

    /// <summary>Gives back bytes no longer held (a dropped upload, or results handed over).</summary>
    public void Release(long bytes) => Interlocked.Add(ref _held, -bytes);
}
