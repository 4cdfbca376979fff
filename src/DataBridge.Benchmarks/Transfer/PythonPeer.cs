using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DataBridge.Benchmarks.Transfer;

/// <summary>
/// The baselines' Python processes, started once per benchmark class and reused, so neither process
/// start-up nor imports are measured (the baselines are as strong as they can be):
/// <list type="bullet">
/// <item><b>socket limit</b>: a Python process that <c>recv_into</c>s N bytes into one preallocated buffer and
/// replies with the count (or sends N bytes from one) over a loopback TCP socket — the physical limit of any
/// socket transport here;</item>
/// <item><b>CSV pipe</b>: what users do without DataBridge — CSV written to the process's stdin, pandas
/// <c>read_csv</c>, a transform (identity unless the peer benchmark gives one), <c>to_csv</c> back on stdout.</item>
/// </list>
/// </summary>
internal sealed class PythonPeer : IDisposable
{
    private const string SocketScript = """
        import socket, struct, sys
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        print(srv.getsockname()[1], flush=True)
        conn, _ = srv.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buf = bytearray(1)
        view = memoryview(buf)
        def recv_exact(v):
            got = 0
            while got < len(v):
                k = conn.recv_into(v[got:])
                if k == 0:
                    sys.exit(0)
                got += k
        head = bytearray(9)
        while True:
            recv_exact(memoryview(head))
            n = struct.unpack_from("<q", head, 1)[0]
            if len(buf) < n:
                buf = bytearray(n)
                view = memoryview(buf)
            if head[0] == ord("R"):
                recv_exact(view[:n])
                conn.sendall(struct.pack("<q", n))
            else:
                conn.sendall(view[:n])
        """;

    // An empty message is answered with an empty one (the peer benchmark's "script that does nothing").
    private const string CsvScript = """
        import io, struct, sys
        import pandas as pd
        inp, out = sys.stdin.buffer, sys.stdout.buffer
        while True:
            head = inp.read(8)
            if len(head) < 8:
                break
            data = inp.read(struct.unpack("<q", head)[0])
            text = transform(pd.read_csv(io.BytesIO(data))).to_csv(index=False).encode() if data else b""
            out.write(struct.pack("<q", len(text)))
            out.write(text)
            out.flush()
        """;

    private const string IdentityTransform = "def transform(df):\n    return df";

    private readonly Process _process;
    private readonly Socket? _socket;

    private PythonPeer(Process process, Socket? socket)
    {
        _process = process;
        _socket = socket;
    }

    public static string Python => Environment.GetEnvironmentVariable("DATABRIDGE_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    public static PythonPeer StartSocketLimit()
    {
        Process process = Start(SocketScript);
        int port = int.Parse(process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("peer did not start"), System.Globalization.CultureInfo.InvariantCulture);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return new PythonPeer(process, socket);
    }

    /// <summary>The CSV pipe; <paramref name="transform"/> is Python source defining <c>transform(df)</c> (identity when null).</summary>
    public static PythonPeer StartCsvPipe(string? transform = null) => new(Start((transform ?? IdentityTransform) + "\n" + CsvScript), null);

    /// <summary>Sends <paramref name="payload"/> to the peer, which receives it into one buffer and replies with the count.</summary>
    public long SendToPython(ReadOnlySpan<byte> payload)
    {
        Span<byte> head = stackalloc byte[9];
        head[0] = (byte)'R';
        BitConverter.TryWriteBytes(head[1..], (long)payload.Length);
        _socket!.Send(head);
        while (!payload.IsEmpty)
        {
            payload = payload[_socket.Send(payload)..];
        }

        Span<byte> reply = stackalloc byte[8];
        ReceiveExact(reply);
        return BitConverter.ToInt64(reply);
    }

    /// <summary>Asks the peer to send <paramref name="target"/>.Length bytes from its buffer.</summary>
    public void ReceiveFromPython(Span<byte> target)
    {
        Span<byte> head = stackalloc byte[9];
        head[0] = (byte)'S';
        BitConverter.TryWriteBytes(head[1..], (long)target.Length);
        _socket!.Send(head);
        ReceiveExact(target);
    }

    /// <summary>One CSV round trip through pandas: returns the CSV text pandas wrote back.</summary>
    public byte[] CsvRoundTrip(ReadOnlySpan<byte> csv)
    {
        Stream stdin = _process.StandardInput.BaseStream;
        Span<byte> head = stackalloc byte[8];
        BitConverter.TryWriteBytes(head, (long)csv.Length);
        stdin.Write(head);
        stdin.Write(csv);
        stdin.Flush();
        Stream stdout = _process.StandardOutput.BaseStream;
        stdout.ReadExactly(head);
        var result = new byte[BitConverter.ToInt64(head)];
        stdout.ReadExactly(result);
        return result;
    }

    public void Dispose()
    {
        _socket?.Dispose();
        Stop(_process);
    }

    /// <summary>Starts <see cref="Python"/> <c>-c <paramref name="script"/></c> with stdin and stdout redirected (also the peer benchmark's naive pipe).</summary>
    public static Process Start(string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {Python}");
    }

    /// <summary>Closes the child's stdin (its loop ends at end of input), waits 5 s, then kills it.</summary>
    public static void Stop(Process process)
    {
        try
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The child has gone already (a broken pipe on the final flush).
            }

            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    private void ReceiveExact(Span<byte> target)
    {
        while (!target.IsEmpty)
        {
            int n = _socket!.Receive(target);
            if (n == 0)
            {
                throw new IOException("the Python peer closed the connection");
            }

            target = target[n..];
        }
    }
}
