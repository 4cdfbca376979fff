using System.Buffers.Binary;
using DataBridge.Protocol;

namespace DataBridge.Tests.Protocol;

/// <summary>
/// Issue 15 item 2: a SHARED_DATA frame from the worker is hostile input like a data chunk: its range is checked
/// against the region before a byte is read, and the bytes are copied out before the Arrow reader sees them. A
/// SHARED_ECHO frame (bytes passed through from the input region) is checked and copied the same way.
/// </summary>
[TestFixture]
public sealed class SharedDataFrameTests
{
    [TestCase(90L, 20L)]
    [TestCase(-1L, 4L)]
    [TestCase(0L, -4L)]
    [TestCase(long.MaxValue, long.MaxValue)]
    public void RangeOutsideTheRegion_IsAProtocolErrorNamingIt(long offset, long length)
    {
        var stream = new DataReadStream(new FrameReader(new MemoryStream(Frame(offset, length)), 4096), _ => { }, () => TimeSpan.Zero, new ArrayRegion(100));

        DataBridgeException? error = Assert.ThrowsAsync<DataBridgeException>(async () => _ = await stream.ReadAsync(new byte[16]));

        Assert.That(error!.Message, Does.Contain("outside the shared-memory region of 100 bytes"));
    }

    [Test]
    public void FrameOnAConnectionWithoutARegion_IsAProtocolError()
    {
        var stream = new DataReadStream(new FrameReader(new MemoryStream(Frame(0, 8)), 4096), _ => { }, () => TimeSpan.Zero);

        DataBridgeException? error = Assert.ThrowsAsync<DataBridgeException>(async () => _ = await stream.ReadAsync(new byte[16]));

        Assert.That(error!.Message, Does.Contain("without a shared-memory region"));
    }

    [Test]
    public async Task RangeInsideTheRegion_IsCopiedOut_AndCountedAsUsed()
    {
        var region = new ArrayRegion(100);
        for (int i = 0; i < 100; i++)
        {
            region.Bytes[i] = (byte)i;
        }

        var stream = new DataReadStream(new FrameReader(new MemoryStream([.. Frame(10, 30), .. Frame(50, 5)]), 4096), _ => { }, () => TimeSpan.Zero, region);
        byte[] buffer = new byte[64];
        int first = await stream.ReadAsync(buffer);
        region.Bytes[10] = 255; // the worker writing afterwards does not change what was read
        int second = await stream.ReadAsync(buffer.AsMemory(first));

        Assert.Multiple(() =>
        {
            Assert.That((first, second), Is.EqualTo((30, 5)));
            Assert.That(buffer[..35], Is.EqualTo(Enumerable.Range(10, 30).Concat(Enumerable.Range(50, 5)).Select(i => (byte)i)));
            Assert.That(stream.SharedBytesUsed, Is.EqualTo(55));
            Assert.That(BinaryPrimitives.ReadInt64LittleEndian(region.Bytes), Is.EqualTo(2), "both ranges copied out: the worker may write from the start again");
        });
    }

    [Test]
    public async Task EchoOfTheInputRegion_IsCopiedOutOfIt_InOrderWithTheOutputRange_AndCountedForTheWorker()
    {
        var input = new ArrayRegion(200);
        var output = new ArrayRegion(100);
        for (int i = 0; i < 100; i++)
        {
            input.Bytes[100 + i] = (byte)i;
            output.Bytes[i] = (byte)(200 - i);
        }

        // A message whose first bytes the worker wrote and whose rest it passes through from the input.
        byte[] frames = [.. Frame(64, 8), .. Frame(120, 16, FrameCode.SharedEcho), .. Frame(150, 4, FrameCode.SharedEcho)];
        var stream = new DataReadStream(new FrameReader(new MemoryStream(frames), 4096), _ => { }, () => TimeSpan.Zero, output, input);
        byte[] buffer = new byte[28];
        int total = 0;
        for (int i = 0; i < 3; i++)
        {
            total += await stream.ReadAsync(buffer.AsMemory(total));
        }

        Assert.Multiple(() =>
        {
            Assert.That(total, Is.EqualTo(28));
            Assert.That(buffer, Is.EqualTo(Enumerable.Range(64, 8).Select(i => (byte)(200 - i)).Concat(Enumerable.Range(20, 16).Select(i => (byte)i)).Concat(Enumerable.Range(50, 4).Select(i => (byte)i))));
            Assert.That(BinaryPrimitives.ReadInt64LittleEndian(input.Bytes.AsSpan(8)), Is.EqualTo(2), "both echoes copied out: the worker may release their input ranges");
            Assert.That(BinaryPrimitives.ReadInt64LittleEndian(output.Bytes), Is.EqualTo(1));
            Assert.That(stream.SharedBytesUsed, Is.EqualTo(72), "an echo uses nothing of the output region");
        });
    }

    [TestCase(190L, 20L)]
    [TestCase(-8L, 8L)]
    public void EchoOutsideTheInputRegion_IsAProtocolErrorNamingIt(long offset, long length)
    {
        var stream = new DataReadStream(new FrameReader(new MemoryStream(Frame(offset, length, FrameCode.SharedEcho)), 4096), _ => { }, () => TimeSpan.Zero, new ArrayRegion(100), new ArrayRegion(200));

        DataBridgeException? error = Assert.ThrowsAsync<DataBridgeException>(async () => _ = await stream.ReadAsync(new byte[16]));

        Assert.That(error!.Message, Does.Contain("a SHARED_ECHO frame names bytes").And.Contain("outside the shared-memory region of 200 bytes"));
    }

    [Test]
    public void EchoOnAConnectionWithoutAnInputRegion_IsAProtocolError()
    {
        var stream = new DataReadStream(new FrameReader(new MemoryStream(Frame(0, 8, FrameCode.SharedEcho)), 4096), _ => { }, () => TimeSpan.Zero);

        DataBridgeException? error = Assert.ThrowsAsync<DataBridgeException>(async () => _ = await stream.ReadAsync(new byte[16]));

        Assert.That(error!.Message, Does.Contain("a SHARED_ECHO frame on a connection without a shared-memory region"));
    }

    private static byte[] Frame(long offset, long length, int code = FrameCode.SharedData)
    {
        byte[] frame = new byte[20];
        BinaryPrimitives.WriteInt32LittleEndian(frame, code);
        BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(4), offset);
        BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(12), length);
        return frame;
    }
}
