using System.Net;
using Microsoft.Extensions.Logging;

namespace DataBridge.Servers;

/// <summary>
/// The servers' log messages with stable event ids 5xx (the bridge's own are 1xx–4xx, see Internal/Log.cs).
/// Nothing secret is ever logged: a rejected handshake says why, never the token.
/// </summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "{Kind} server listening on {Address}:{Port}")]
    public static partial void Started(ILogger logger, string kind, IPAddress address, int port);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "{Kind} server bound to the non-loopback address {Address}:{Port} (explicit BindAddress): it is reachable from the network, protected by its token only")]
    public static partial void NonLoopback(ILogger logger, string kind, IPAddress address, int port);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "{Kind} server on port {Port} closed: {Reason}")]
    public static partial void Closed(ILogger logger, string kind, int port, string reason);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "{Kind} server on port {Port} rejected a connection from {Remote}: {Reason}")]
    public static partial void Rejected(ILogger logger, string kind, int port, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "{Kind} server on port {Port} dropped the client {Remote}: no progress within {Timeout}")]
    public static partial void ClientTimedOut(ILogger logger, string kind, int port, EndPoint? remote, TimeSpan timeout);

    [LoggerMessage(EventId = 505, Level = LogLevel.Warning, Message = "{Kind} server on port {Port} sent ERROR to {Remote} and closed the connection: {Message}")]
    public static partial void ClientError(ILogger logger, string kind, int port, EndPoint? remote, string message);

    [LoggerMessage(EventId = 506, Level = LogLevel.Debug, Message = "{Kind} server on port {Port}: connection from {Remote} ended ({Reason})")]
    public static partial void ConnectionEnded(ILogger logger, string kind, int port, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 507, Level = LogLevel.Error, Message = "{Kind} server on port {Port}: unexpected failure serving {Remote}")]
    public static partial void Unexpected(ILogger logger, Exception exception, string kind, int port, EndPoint? remote);

    [LoggerMessage(EventId = 510, Level = LogLevel.Debug, Message = "Data server on port {Port}: partition {Partition} sent ({Rows} rows) to {Remote}")]
    public static partial void PartitionSent(ILogger logger, int port, int partition, long rows, EndPoint? remote);

    [LoggerMessage(EventId = 511, Level = LogLevel.Debug, Message = "Data server on port {Port}: result of partition {Partition} accepted ({Rows} rows) from {Remote}")]
    public static partial void ResultAccepted(ILogger logger, int port, int partition, long rows, EndPoint? remote);

    [LoggerMessage(EventId = 512, Level = LogLevel.Information, Message = "Data server on port {Port}: duplicate result of partition {Partition} from {Remote} dropped ({Duplicates} duplicates so far)")]
    public static partial void DuplicateResult(ILogger logger, int port, int partition, EndPoint? remote, long duplicates);

    [LoggerMessage(EventId = 520, Level = LogLevel.Debug, Message = "Model server on port {Port}: {Path} ({Size} bytes) sent to {Remote}")]
    public static partial void FileSent(ILogger logger, int port, string path, long size, EndPoint? remote);
}
