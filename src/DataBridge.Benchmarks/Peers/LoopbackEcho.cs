using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace DataBridge.Benchmarks.Peers;

/// <summary>
/// The lower bound, without Python: a loopback TCP connection between two threads of this process. A call
/// sends an 8-byte length and the input's IPC stream bytes; the other end receives them into one buffer and
/// answers with the output's IPC stream bytes, which the caller receives into one preallocated array. Nothing
/// is encoded or decoded: only the kernel's copies of the same bytes both ways are measured.
/// </summary>
internal sealed class LoopbackEcho : IDisposable
{
    private readonly Socket _client;
    private readonly Socket _server;
    private readonly Thread _thread;

    private LoopbackEcho(Socket client, Socket server, byte[] reply)
    {
        _client = client;
        _server = server;
        _thread = new Thread(() => Serve(server, reply)) { IsBackground = true, Name = "loopback echo" };
        _thread.Start();
    }

    /// <summary>Connects the two ends; the serving end answers every request with <paramref name="reply"/>.</summary>
    public static LoopbackEcho Start(byte[] reply)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(listener.LocalEndPoint!);
        Socket server = listener.Accept();
        server.NoDelay = true;
        return new LoopbackEcho(client, server, reply);
    }

    /// <summary>Sends <paramref name="request"/>, receives the reply into <paramref name="reply"/> (its length is the reply's).</summary>
    public int RoundTrip(byte[] request, byte[] reply)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(head, request.Length);
        _client.Send(head);
        SendAll(_client, request);
        if (!ReceiveExact(_client, reply))
        {
            throw new IOException("the loopback echo closed the connection");
        }

        return reply.Length;
    }

    public void Dispose()
    {
        _client.Dispose();
        _thread.Join(5000);
        _server.Dispose();
    }

    private static void Serve(Socket socket, byte[] reply)
    {
        var head = new byte[8];
        byte[] buffer = [];
        try
        {
            while (ReceiveExact(socket, head))
            {
                long length = BinaryPrimitives.ReadInt64LittleEndian(head);
                if (buffer.Length < length)
                {
                    buffer = new byte[length];
                }

                if (!ReceiveExact(socket, buffer.AsSpan(0, (int)length)))
                {
                    return;
                }

                SendAll(socket, reply);
            }
        }
        catch (SocketException)
        {
            // The client closed the connection.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static void SendAll(Socket socket, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            data = data[socket.Send(data)..];
        }
    }

    private static bool ReceiveExact(Socket socket, Span<byte> target)
    {
        while (!target.IsEmpty)
        {
            int n = socket.Receive(target);
            if (n == 0)
            {
                return false;
            }

            target = target[n..];
        }

        return true;
    }
}
