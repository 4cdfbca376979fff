using System.Buffers.Binary;
using DataBridge.Protocol;

namespace DataBridge.Tests.Protocol;

/// <summary>A shared-memory region over a plain array, for the frame and ring tests.</summary>
internal sealed class ArrayRegion(int length) : ISharedMemory
{
    public byte[] Bytes { get; } = new byte[length];

    public long Length => Bytes.Length;

    public Span<byte> Slice(long offset, int count) => Bytes.AsSpan(checked((int)offset), count);

    public void CopyTo(long offset, Span<byte> destination) => Slice(offset, destination.Length).CopyTo(destination);

    public void PublishInt64(long offset, long value) => BinaryPrimitives.WriteInt64LittleEndian(Slice(offset, 8), value);

    public long ReadInt64(long offset) => BinaryPrimitives.ReadInt64LittleEndian(Slice(offset, 8));
}
