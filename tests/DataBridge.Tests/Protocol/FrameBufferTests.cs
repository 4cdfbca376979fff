using System.Buffers.Binary;
using DataBridge.Protocol;

namespace DataBridge.Tests.Protocol;

/// <summary>The buffered frame writer and reader on their own, over memory streams.</summary>
[TestFixture]
public sealed class FrameBufferTests
{
    [Test]
    public async Task WriteData_SmallWrites_AreCoalescedIntoOneChunk()
    {
        using var sink = new MemoryStream();
        var writer = new FrameWriter(sink, 4096);

        for (int i = 0; i < 10; i++)
        {
            await writer.WriteDataAsync(new byte[] { (byte)i, (byte)i }, CancellationToken.None);
        }

        await writer.WriteControlAsync(FrameCode.EndOfData, CancellationToken.None);
        await writer.FlushAsync(CancellationToken.None);

        byte[] bytes = sink.ToArray();
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes), Is.EqualTo(20), "one chunk of 20 bytes");
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)), Is.EqualTo(FrameCode.EndOfData));
        Assert.That(bytes, Has.Length.EqualTo(28));
    }

    [Test]
    public async Task WriteData_LargeWrite_IsItsOwnChunkPassedThrough()
    {
        using var sink = new MemoryStream();
        var writer = new FrameWriter(sink, 4096);
        byte[] large = new byte[10_000];
        large[^1] = 7;

        await writer.WriteDataAsync(new byte[] { 1, 2, 3 }, CancellationToken.None);
        await writer.WriteDataAsync(large, CancellationToken.None);
        await writer.FlushAsync(CancellationToken.None);

        byte[] bytes = sink.ToArray();
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes), Is.EqualTo(3));
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(7)), Is.EqualTo(10_000));
        Assert.That(bytes, Has.Length.EqualTo(4 + 3 + 4 + 10_000));
        Assert.That(bytes[^1], Is.EqualTo(7));
    }

    [Test]
    public async Task WriteData_MoreThanTheBuffer_SplitsIntoChunksThatReassembleExactly()
    {
        using var sink = new MemoryStream();
        var writer = new FrameWriter(sink, 4096);
        byte[] expected = new byte[50_000];
        Random.Shared.NextBytes(expected);

        // Writes below the pass-through threshold, so every byte goes through the coalescing buffer.
        for (int offset = 0; offset < expected.Length; offset += 1000)
        {
            writer.WriteData(expected.AsSpan(offset, 1000));
        }

        await writer.WriteTrailerAsync(new Trailer(5, 1), CancellationToken.None);
        await writer.FlushAsync(CancellationToken.None);
        sink.Position = 0;

        var reader = new FrameReader(sink, 4096);
        var stream = new DataReadStream(reader, _ => { }, () => TimeSpan.Zero);
        using var actual = new MemoryStream();
        await stream.CopyToAsync(actual);

        Assert.That(actual.ToArray(), Is.EqualTo(expected));
        Assert.That(stream.Trailer, Is.EqualTo(new Trailer(5, 1)));
    }

    [Test]
    public void ReadPrefix_StreamEndsInsideTheInt_ThrowsConnectionClosed()
    {
        var reader = new FrameReader(new MemoryStream([1, 2]), 4096);

        var ex = Assert.ThrowsAsync<ConnectionClosedException>(async () => await reader.ReadPrefixAsync(CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain("reading the next frame"));
    }

    [Test]
    public void ReadTrailerBody_NegativeCounts_ThrowsDataBridgeException()
    {
        byte[] body = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(body, -1);
        var reader = new FrameReader(new MemoryStream(body), 4096);

        Assert.ThrowsAsync<DataBridgeException>(async () => await reader.ReadTrailerBodyAsync(CancellationToken.None));
    }

    [Test]
    public async Task ReadPayload_LargerThanTheBuffer_IsReadWhole()
    {
        byte[] frame = new byte[4 + 10_000];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 10_000);
        frame[^1] = 9;
        var reader = new FrameReader(new MemoryStream(frame), 4096);

        ReadOnlyMemory<byte> payload = await reader.ReadPayloadAsync(FrameCode.Log, ProtocolConstants.MaxControlFrameBytes, CancellationToken.None);

        Assert.That(payload.Length, Is.EqualTo(10_000));
        Assert.That(payload.Span[^1], Is.EqualTo(9));
    }
}
