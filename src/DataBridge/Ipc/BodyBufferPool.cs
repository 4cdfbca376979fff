using System.Buffers;
using System.Globalization;

namespace DataBridge.Ipc;

/// <summary>
/// The arrays behind record-batch bodies read from streams. Bodies up to 1 MiB come from
/// <see cref="ArrayPool{T}.Shared"/>. Larger ones come from size classes of 256 KiB kept here, for two reasons the
/// shared pool does not serve: its power-of-two buckets would put a 4.2 MB body (65,536 rows of 8 int64/float64
/// columns plus bitmaps) in an 8 MiB array, and it keeps only a few arrays per size, so a collected result of
/// hundreds of batches comes back as fresh memory on every run — and first-touching fresh memory costs more than
/// receiving the bytes (docs/performance.md).
/// </summary>
/// <remarks>
/// Returned arrays are kept up to a byte budget (<see cref="DefaultRetainedBytes"/>: the smaller of 1 GiB and an
/// eighth of the memory available to the GC; <c>DATABRIDGE_BODY_POOL_MB</c> overrides it, 0 turns retention off)
/// and released once unused for <see cref="IdleRelease"/>, so a burst of large results does not pin memory for
/// the life of the process. Thread-safe; an array must be returned at most once and not used afterwards.
/// </remarks>
internal sealed class BodyBufferPool
{
    /// <summary>Bodies of at most this many bytes use the shared array pool.</summary>
    public const int SmallLimit = 1 << 20;

    /// <summary>Size-class granularity above <see cref="SmallLimit"/>.</summary>
    public const int Granule = 256 << 10;

    /// <summary>How long a returned array may go unused before it is released.</summary>
    public static readonly TimeSpan IdleRelease = TimeSpan.FromSeconds(30);

    private readonly object _lock = new();
    private readonly Dictionary<int, List<Entry>> _classes = [];
    private readonly TimeProvider _time;
    private ITimer? _trimTimer;
    private long _retainedBytes;

    /// <summary>Creates a pool that keeps at most <paramref name="retainedBytesLimit"/> bytes of returned arrays.</summary>
    public BodyBufferPool(long retainedBytesLimit, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retainedBytesLimit);
        RetainedBytesLimit = retainedBytesLimit;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The process-wide pool the stream readers use.</summary>
    public static BodyBufferPool Shared { get; } = new(DefaultRetainedBytes());

    /// <summary>The most bytes of returned arrays kept for reuse.</summary>
    public long RetainedBytesLimit { get; }

    /// <summary>Bytes of returned arrays currently kept.</summary>
    public long RetainedBytes => Interlocked.Read(ref _retainedBytes);

    /// <summary>The default budget: <c>DATABRIDGE_BODY_POOL_MB</c> when set, else min(1 GiB, available memory / 8).</summary>
    public static long DefaultRetainedBytes()
    {
        string? text = Environment.GetEnvironmentVariable("DATABRIDGE_BODY_POOL_MB");
        if (!string.IsNullOrWhiteSpace(text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long mb))
        {
            return Math.Min(mb, long.MaxValue >> 20) << 20;
        }

        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return Math.Min(1L << 30, available > 0 ? available / 8 : 256L << 20);
    }

    /// <summary>The array length a request of <paramref name="length"/> bytes gets above <see cref="SmallLimit"/>.</summary>
    public static int ClassLength(int length) =>
        length <= SmallLimit ? length : (int)Math.Min(Array.MaxLength, ((long)length + Granule - 1) / Granule * Granule);

    /// <summary>An array of at least <paramref name="length"/> bytes; its contents are undefined.</summary>
    public byte[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= SmallLimit)
        {
            return ArrayPool<byte>.Shared.Rent(length);
        }

        int size = ClassLength(length);
        lock (_lock)
        {
            if (_classes.TryGetValue(size, out List<Entry>? free) && free.Count > 0)
            {
                // The most recently returned array: the likeliest to be in cache.
                byte[] array = free[^1].Array;
                free.RemoveAt(free.Count - 1);
                _retainedBytes -= array.Length;
                return array;
            }
        }

        return GC.AllocateUninitializedArray<byte>(size);
    }

    /// <summary>Gives back an array from <see cref="Rent"/>; it is kept while the budget allows.</summary>
    public void Return(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length <= SmallLimit)
        {
            ArrayPool<byte>.Shared.Return(array);
            return;
        }

        if (array.Length % Granule != 0)
        {
            return; // not one of ours (an exact-size array at the top of the range): the GC takes it
        }

        lock (_lock)
        {
            if (_retainedBytes + array.Length > RetainedBytesLimit)
            {
                return;
            }

            if (!_classes.TryGetValue(array.Length, out List<Entry>? free))
            {
                free = [];
                _classes.Add(array.Length, free);
            }

            free.Add(new Entry(array, _time.GetUtcNow()));
            _retainedBytes += array.Length;
            _trimTimer ??= _time.CreateTimer(static state => ((BodyBufferPool)state!).ReleaseIdle(), this, IdleRelease / 3, IdleRelease / 3);
        }
    }

    /// <summary>Releases the arrays unused for <see cref="IdleRelease"/>; stops the timer once nothing is kept.</summary>
    public void ReleaseIdle()
    {
        lock (_lock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            foreach (List<Entry> free in _classes.Values)
            {
                // Entries are in return order: the idle ones are at the front.
                int idle = 0;
                while (idle < free.Count && now - free[idle].ReturnedAt >= IdleRelease)
                {
                    _retainedBytes -= free[idle].Array.Length;
                    idle++;
                }

                free.RemoveRange(0, idle);
            }

            if (_retainedBytes == 0 && _trimTimer is not null)
            {
                _trimTimer.Dispose();
                _trimTimer = null;
                _classes.Clear();
            }
        }
    }

    private readonly record struct Entry(byte[] Array, DateTimeOffset ReturnedAt);
}
