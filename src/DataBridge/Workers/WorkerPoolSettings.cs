using DataBridge.Internal;
using Microsoft.Extensions.Logging;

namespace DataBridge.Workers;

/// <summary>The pool's fixed settings, taken from the validated bridge options.</summary>
/// <param name="MaxWorkers">Most workers alive at once (busy + idle).</param>
/// <param name="ReuseWorkers">Whether clean workers go back to the idle list.</param>
/// <param name="IdleTimeout">How long an idle worker lives.</param>
/// <param name="ConnectTimeout">Deadline of connect, handshake and ping.</param>
/// <param name="BufferSize">Socket and frame buffer size.</param>
/// <param name="Token">The bridge's secret.</param>
/// <param name="TimeProvider">The clock (idle expiry).</param>
/// <param name="Logger">The bridge's logger.</param>
/// <param name="SharedMemory">Shared-memory settings of the bridge's connections, or null for none.</param>
internal sealed record WorkerPoolSettings(
    int MaxWorkers,
    bool ReuseWorkers,
    TimeSpan IdleTimeout,
    TimeSpan ConnectTimeout,
    int BufferSize,
    SecretToken Token,
    TimeProvider TimeProvider,
    ILogger Logger,
    SharedMemory.SharedMemorySettings? SharedMemory = null);
