using System.Net.Sockets;

namespace DataBridge.Tests.Support;

/// <summary>What the stranger tests observe of a raw socket.</summary>
internal static class RawSocket
{
    /// <summary>
    /// Reads until the peer closes the connection: the bytes it was sent (0 for "closed without a byte"), or -1
    /// when it was still open after <paramref name="within"/>. A reset counts as closed.
    /// </summary>
    public static async Task<int> BytesUntilClosedAsync(Socket socket, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        byte[] buffer = new byte[256];
        int total = 0;
        try
        {
            while (true)
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (read == 0)
                {
                    return total;
                }

                total += read;
            }
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
        catch (SocketException)
        {
            return total;
        }
    }
}
