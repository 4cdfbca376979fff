using System.Text.Json;

namespace DataBridge.Servers;

/// <summary>What a <see cref="SocketServer"/> serves: the ops of one kind of server (data or model).</summary>
internal interface IRequestHandler
{
    /// <summary>
    /// Answers one authenticated request: writes its RESPONSE and whatever follows it, and flushes. A bad
    /// request throws <see cref="DataBridgeException"/>, whose message the client receives in an ERROR frame
    /// before the connection is closed.
    /// </summary>
    /// <param name="connection">The client's connection, positioned after the REQUEST frame.</param>
    /// <param name="op">The request's <c>op</c>.</param>
    /// <param name="request">The whole request object.</param>
    /// <param name="cancellationToken">Ends with the connection's deadline or the server's shutdown.</param>
    ValueTask HandleAsync(ServerConnection connection, string op, JsonElement request, CancellationToken cancellationToken);
}
