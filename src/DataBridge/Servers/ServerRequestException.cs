namespace DataBridge.Servers;

/// <summary>A client's request the server refuses (unknown op, bad partition index, unknown file): sent back as ERROR.</summary>
internal sealed class ServerRequestException : DataBridgeException
{
    public ServerRequestException(string message)
        : base(message)
    {
    }

    public ServerRequestException()
    {
    }

    public ServerRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
