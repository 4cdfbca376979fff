using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataBridge.Servers;

/// <summary>
/// Settings of a <see cref="DataServer"/> or <see cref="ModelServer"/> (docs/protocol.md, section 3). The
/// defaults suit a server read by Python processes on the same machine.
/// </summary>
public sealed class ServerOptions
{
    /// <summary>
    /// The address the server listens on (a random port of it). Default: <see cref="IPAddress.Loopback"/>
    /// (127.0.0.1). Any other address exposes the server to the network (e.g. for Dask or Ray workers on other
    /// nodes): it must be set explicitly, and the server logs a warning when it starts on it. Every connection
    /// still has to present the server's token.
    /// </summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Loopback;

    /// <summary>
    /// The host name clients are told to connect to (the <c>host</c> of the endpoints in a run header), or null
    /// for the default: the bind address itself, or the machine's host name when bound to a wildcard address.
    /// </summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>
    /// How long a server without any connection stays open; after that it closes itself and frees its port.
    /// Every authenticated connection and every request resets the timer. Default: 5 minutes.
    /// </summary>
    public TimeSpan ServerIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a client may take to send a complete request, or stall while sending or receiving data,
    /// before its connection is dropped (others are not affected). Default: 30 seconds.
    /// </summary>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a new connection may take to complete the handshake. Default: 10 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many connections may wait for their handshake at once; a new one beyond it closes the one that has
    /// waited longest. Fixed at 64 (docs/security.md); tests lower it.
    /// </summary>
    internal int MaxPendingHandshakes { get; set; } = Protocol.ProtocolConstants.MaxPendingHandshakes;

    /// <summary>
    /// The size of each authenticated connection's read and write buffers, in bytes (a connection that has not
    /// authenticated has none). Default: 64 KiB.
    /// </summary>
    public int BufferSize { get; set; } = 64 * 1024;

    /// <summary>
    /// The most bytes one upload to a <see cref="DataServer"/> may hold: its Arrow stream (schema, batch
    /// metadata and bodies), counted as the bytes arrive, never from a length the client declares. An upload
    /// that passes it is refused: the server stops reading it, keeps nothing of it, answers ERROR naming the
    /// limit and the partition, and closes that connection (other clients are not affected; the partition can
    /// be uploaded again). Default: 1 GiB. The model server ignores it.
    /// </summary>
    public long MaxUploadBytes { get; set; } = 1L << 30;

    /// <summary>
    /// The most bytes all uploads to one <see cref="DataServer"/> may hold together: the results it stores plus
    /// the uploads it is receiving (concurrent uploads, duplicates included, count until they are dropped). An
    /// upload that would pass it is refused like one over <see cref="MaxUploadBytes"/>. Results handed over to a
    /// <see cref="DistributedRunResult"/> no longer count. Default: <see cref="long.MaxValue"/>, no limit beyond
    /// <see cref="MaxUploadBytes"/> per upload (set it to bound the server's memory whatever the number of
    /// partitions and connections). The model server ignores it.
    /// </summary>
    public long MaxTotalUploadBytes { get; set; } = long.MaxValue;

    /// <summary>The clock of the idle timer and of the client deadlines. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Receives the server's log messages (event ids 500–599). Default: none.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        if (BindAddress is null)
        {
            throw new ArgumentException("BindAddress must be set.", nameof(BindAddress));
        }

        Positive(ServerIdleTimeout, nameof(ServerIdleTimeout));
        Positive(ClientTimeout, nameof(ClientTimeout));
        Positive(HandshakeTimeout, nameof(HandshakeTimeout));
        if (BufferSize < 1024)
        {
            throw new ArgumentException($"BufferSize must be at least 1024 bytes, not {BufferSize}.", nameof(BufferSize));
        }

        if (MaxPendingHandshakes < 1)
        {
            throw new ArgumentException($"MaxPendingHandshakes must be at least 1, not {MaxPendingHandshakes}.", nameof(MaxPendingHandshakes));
        }

        if (MaxUploadBytes < 1)
        {
            throw new ArgumentException($"MaxUploadBytes must be at least 1 byte, not {MaxUploadBytes}.", nameof(MaxUploadBytes));
        }

        if (MaxTotalUploadBytes < 1)
        {
            throw new ArgumentException($"MaxTotalUploadBytes must be at least 1 byte, not {MaxTotalUploadBytes}.", nameof(MaxTotalUploadBytes));
        }

        if (TimeProvider is null)
        {
            throw new ArgumentException("TimeProvider must be set.", nameof(TimeProvider));
        }

        if (Logger is null)
        {
            throw new ArgumentException("Logger must be set.", nameof(Logger));
        }
    }

    /// <summary>A copy, so a running server is not affected by later changes.</summary>
    internal ServerOptions Clone() => (ServerOptions)MemberwiseClone();

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentException($"{name} must be positive and at most {int.MaxValue} ms, not {value}.", name);
        }
    }
}
