using System.Net;
using System.Net.Sockets;

namespace DataBridge.Tests.Servers;

/// <summary>A TCP proxy that flips one bit of the server → client direction at a given byte offset.</summary>
internal sealed class CorruptingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _serverPort;
    private readonly long _flipAt;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _flipped;

    public CorruptingProxy(int serverPort, long flipAt)
    {
        _serverPort = serverPort;
        _flipAt = flipAt;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = RunAsync();
    }

    public int Port { get; }

    public bool Flipped => Volatile.Read(ref _flipped) != 0;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            using Socket client = await _listener.AcceptSocketAsync(_stop.Token);
            using var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, _serverPort, _stop.Token);
            using var clientStream = new NetworkStream(client);
            NetworkStream serverStream = server.GetStream();
            Task up = clientStream.CopyToAsync(serverStream, _stop.Token);
            Task down = CopyCorruptingAsync(serverStream, clientStream);
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
            // The test ended the proxy or a side closed: nothing more to relay.
        }
    }

    private async Task CopyCorruptingAsync(Stream from, Stream to)
    {
        byte[] buffer = new byte[64 * 1024];
        long position = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (position <= _flipAt && _flipAt < position + read)
            {
                buffer[_flipAt - position] ^= 0x01;
                Volatile.Write(ref _flipped, 1);
            }

            position += read;
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
