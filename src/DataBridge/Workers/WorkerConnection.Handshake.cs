using System.Buffers.Binary;
using DataBridge.Internal;
using DataBridge.Protocol;

namespace DataBridge.Workers;

internal sealed partial class WorkerConnection
{
    // Handshake (docs/protocol.md, 2.1), before any frame:
    //   host → worker: magic "DBRG" (4) | int32 version | int32 n | n bytes token (ASCII hex)
    //   worker → host: magic "DBRG" (4) | int32 version | int32 pid
    // A worker that dislikes the magic, version or token closes the connection without writing anything.
    private async Task HandshakeAsync(SecretToken token, CancellationToken cancellationToken)
    {
        await Writer.WriteRawAsync(ProtocolConstants.Magic.ToArray(), cancellationToken).ConfigureAwait(false);
        await Writer.WriteInt32Async(ProtocolConstants.Version, cancellationToken).ConfigureAwait(false);
        await Writer.WriteInt32Async(token.Ascii.Length, cancellationToken).ConfigureAwait(false);
        await Writer.WriteRawAsync(token.Ascii, cancellationToken).ConfigureAwait(false);
        await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);

        byte[] answer = new byte[12];
        try
        {
            await Reader.ReadExactlyAsync(answer, "waiting for the handshake answer", cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionClosedException ex)
        {
            throw new DataBridgeException("The Python worker closed the connection during the handshake: it rejected the token or the protocol version.", ex);
        }
        catch (IOException ex)
        {
            throw new DataBridgeException("The Python worker broke the connection during the handshake: it rejected the token or the protocol version.", ex);
        }

        if (!answer.AsSpan(0, 4).SequenceEqual(ProtocolConstants.Magic))
        {
            throw new DataBridgeException("Protocol error: the worker's handshake answer does not start with the magic \"DBRG\".");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(answer.AsSpan(4));
        if (version != ProtocolConstants.Version)
        {
            throw new DataBridgeException($"Protocol error: the worker speaks protocol version {version}, this bridge speaks {ProtocolConstants.Version}.");
        }

        int pid = BinaryPrimitives.ReadInt32LittleEndian(answer.AsSpan(8));
        if (pid <= 0)
        {
            throw new DataBridgeException($"Protocol error: the worker reported an invalid pid {pid}.");
        }

        ProcessId = pid;
    }
}
