using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using DataBridge.Protocol;
using DataBridge.Workers.SharedMemory;

namespace DataBridge.Workers;

internal sealed partial class WorkerConnection
{
    private SharedMemorySettings? _sharedSettings;
    private SharedChannel? _sharedChannel;
    private bool _sharedUnavailable;

    /// <summary>Whether this connection's runs move their batches through shared memory (once its first run set it up).</summary>
    internal bool UsesSharedMemory => _sharedChannel is not null;

    /// <summary>
    /// The shared memory of the run about to start (docs/protocol.md, 2.6), or null when its batches go through the
    /// socket. The first run of a connection creates both regions and passes them to the worker, which answers whether
    /// it mapped them; later runs reuse them once the previous run's bytes are cleared. Called before the run header,
    /// while nothing else uses the socket.
    /// </summary>
    internal async ValueTask<SharedRunLease?> OpenSharedMemoryAsync(CancellationToken cancellationToken)
    {
        if (_sharedSettings is not { Mode: not SharedMemoryMode.Off } settings || _sharedUnavailable)
        {
            return null;
        }

        if (!OperatingSystem.IsLinux() || _socket.AddressFamily != AddressFamily.Unix)
        {
            _sharedUnavailable = true;
            settings.Unavailable(OperatingSystem.IsLinux()
                ? "the worker is reached over TCP (WorkerTransport), and descriptors pass only over a Unix-domain socket"
                : "shared memory is implemented on Linux only");
            return null;
        }

        return await OpenLinuxAsync(settings, cancellationToken).ConfigureAwait(false);
    }

    [SupportedOSPlatform("linux")]
    private async ValueTask<SharedRunLease?> OpenLinuxAsync(SharedMemorySettings settings, CancellationToken cancellationToken)
    {
        if (_sharedChannel is null)
        {
            string? failure = await SetUpChannelAsync(settings.RegionBytes, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                _sharedUnavailable = true;
                settings.Unavailable(failure);
                return null;
            }
        }

        // A cancellation may break the connection (and drop its channel) at any moment.
        SharedChannel channel = Volatile.Read(ref _sharedChannel) ?? throw new ObjectDisposedException(nameof(WorkerConnection));
        await channel.WaitClearedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!channel.Acquire())
        {
            throw new ObjectDisposedException(nameof(WorkerConnection));
        }

        return new SharedRunLease(channel.Input, channel.Output, channel.ScheduleClear, channel.Release);
    }

    // Creates the regions, passes them, reads the worker's answer: null when it mapped them, else why not.
    [SupportedOSPlatform("linux")]
    private async ValueTask<string?> SetUpChannelAsync(long regionBytes, CancellationToken cancellationToken)
    {
        SharedChannel channel;
        try
        {
            channel = SharedChannel.Create(regionBytes, ProcessId);
        }
        catch (IOException ex)
        {
            return ex.Message;
        }

        try
        {
            await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            foreach ((string role, SharedRegion region) in new[] { ("input", channel.Input), ("output", channel.Output) })
            {
                region.SendDescriptor(_socket, RegionFrame(role, regionBytes), ConnectTimeout);
                region.CloseDescriptor();
                string? error = await ReadRegionAnswerAsync(cancellationToken).ConfigureAwait(false);
                if (error is not null)
                {
                    channel.Release();
                    return $"the worker (pid {ProcessId}) could not map its regions: {error}";
                }
            }

            _sharedChannel = channel;
            if (IsAborted)
            {
                // Broken while the regions were being passed: Disconnect may have run before the channel was stored.
                ReleaseSharedMemory();
            }

            return null;
        }
        catch
        {
            channel.Release();
            throw;
        }
    }

    // The worker's answer to one SHARED_REGION frame, within the connect timeout: null when it mapped the region.
    private async ValueTask<string?> ReadRegionAnswerAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ConnectTimeout);
        int code = await Reader.ReadPrefixAsync(deadline.Token).ConfigureAwait(false);
        if (code != FrameCode.SharedRegion)
        {
            throw new DataBridgeException($"Protocol error: the worker answered a shared-memory region with {FrameCode.Name(code)}.");
        }

        ReadOnlyMemory<byte> payload = await Reader.ReadPayloadAsync(code, ProtocolConstants.MaxControlFrameBytes, deadline.Token).ConfigureAwait(false);
        return ParseAnswer(payload);
    }

    private static byte[] RegionFrame(string role, long bytes)
    {
        byte[] json = Encoding.UTF8.GetBytes($"{{\"role\":\"{role}\",\"bytes\":{bytes}}}");
        byte[] frame = new byte[8 + json.Length];
        BitConverter.TryWriteBytes(frame.AsSpan(0, 4), FrameCode.SharedRegion);
        BitConverter.TryWriteBytes(frame.AsSpan(4, 4), json.Length);
        json.CopyTo(frame, 8);
        return frame;
    }

    // {"mapped": true} or {"mapped": false, "error": "..."}.
    private static string? ParseAnswer(ReadOnlyMemory<byte> payload)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(payload);
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("mapped", out JsonElement mapped) && mapped.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                if (mapped.GetBoolean())
                {
                    return null;
                }

                return root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.String
                    ? Cut(error.GetString()!)
                    : "no reason given";
            }
        }
        catch (JsonException)
        {
        }

        throw new DataBridgeException("Protocol error: the worker's SHARED_REGION answer is not {\"mapped\": bool, ...}.");
    }

    private static string Cut(string text) => text.Length <= 2000 ? text : text[..2000] + "…";

    // The connection's own reference; runs hold theirs until they are disposed.
    private void ReleaseSharedMemory()
    {
        if (OperatingSystem.IsLinux())
        {
            Interlocked.Exchange(ref _sharedChannel, null)?.Release();
        }
    }
}

/// <summary>
/// One run's hold on its connection's shared memory: the two regions as the frame streams see them, a way to schedule
/// the clearing of what the run used, and the release of the hold (after the run's input task has ended).
/// </summary>
internal sealed class SharedRunLease(ISharedMemory input, ISharedMemory output, Action<long, long> clear, Action release)
{
    private int _released;

    /// <summary>The region the bridge writes the input into.</summary>
    public ISharedMemory Input { get; } = input;

    /// <summary>The region the worker writes its output into.</summary>
    public ISharedMemory Output { get; } = output;

    /// <summary>Schedules zeroing what the run used (after it ended cleanly, before the connection's next run).</summary>
    public void Clear(long inputUsed, long outputUsed) => clear(inputUsed, outputUsed);

    /// <summary>Drops the hold; idempotent.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            release();
        }
    }
}
