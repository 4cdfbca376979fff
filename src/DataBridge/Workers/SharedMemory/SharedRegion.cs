using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using DataBridge.Protocol;

namespace DataBridge.Workers.SharedMemory;

/// <summary>
/// One shared-memory region between the bridge and one worker connection (docs/protocol.md, 2.6): an anonymous memory
/// file (<c>memfd_create</c>: it has no name in any directory, so no other process can open it, and the kernel frees it
/// when the last process mapping it ends), mode 0600, sealed against shrinking and growing so that the worker can never
/// make our mapping fault, mapped read-write here. Its descriptor is sent once, over the authenticated connection, and
/// closed here afterwards.
/// </summary>
/// <remarks>
/// The region's bytes are shared with the worker: whatever we read from it may change under us, so readers copy out of
/// it before checking anything (<see cref="CopyTo"/>), exactly as they read a socket. <see cref="Clear"/> zeroes what a
/// run used before the next run of the connection sees the region. Not thread-safe; owned by one connection.
/// </remarks>
[SupportedOSPlatform("linux")]
internal sealed unsafe class SharedRegion : ISharedMemory, IDisposable
{
    private nint _address;
    private int _descriptor;

    private SharedRegion(nint address, long length, int descriptor)
    {
        _address = address;
        Length = length;
        _descriptor = descriptor;
    }

    /// <summary>The region's size in bytes.</summary>
    public long Length { get; }

    /// <summary>The descriptor, until <see cref="CloseDescriptor"/> (-1 after).</summary>
    public int Descriptor => _descriptor;

    /// <summary>Creates and maps a region of <paramref name="length"/> bytes; throws <see cref="IOException"/> naming the call that failed.</summary>
    public static SharedRegion Create(long length, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        int fd = LibC.MemfdCreate(name, LibC.MfdCloexec | LibC.MfdAllowSealing);
        if (fd < 0)
        {
            throw Failure("memfd_create");
        }

        try
        {
            if (LibC.Fchmod(fd, Convert.ToUInt32("600", 8)) != 0)
            {
                throw Failure("fchmod");
            }

            if (LibC.Ftruncate(fd, length) != 0)
            {
                throw Failure("ftruncate");
            }

            if (LibC.Fcntl(fd, LibC.FAddSeals, LibC.FSealShrink | LibC.FSealGrow | LibC.FSealSeal) != 0)
            {
                throw Failure("fcntl(F_ADD_SEALS)");
            }

            nint address = LibC.Mmap(0, (nuint)length, LibC.ProtRead | LibC.ProtWrite, LibC.MapShared, fd, 0);
            if (address == -1)
            {
                throw Failure("mmap");
            }

            return new SharedRegion(address, length, fd);
        }
        catch
        {
            LibC.Close(fd);
            throw;
        }
    }

    /// <summary>The bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>); the caller checked the range.</summary>
    public Span<byte> Slice(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_address == 0, this);
        if (offset < 0 || length < 0 || offset > Length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset}+{length}) is outside the region of {Length} bytes.");
        }

        return new Span<byte>((byte*)_address + offset, length);
    }

    /// <summary>Copies <paramref name="destination"/>.Length bytes from <paramref name="offset"/> into private memory.</summary>
    public void CopyTo(long offset, Span<byte> destination) => Slice(offset, destination.Length).CopyTo(destination);

    /// <inheritdoc />
    public void PublishInt64(long offset, long value)
    {
        Span<byte> slot = Slice(offset, sizeof(long));
        Volatile.Write(ref System.Runtime.CompilerServices.Unsafe.As<byte, long>(ref slot[0]), value);
    }

    /// <inheritdoc />
    public long ReadInt64(long offset)
    {
        Span<byte> slot = Slice(offset, sizeof(long));
        return Volatile.Read(ref System.Runtime.CompilerServices.Unsafe.As<byte, long>(ref slot[0]));
    }

    /// <summary>Zeroes the first <paramref name="length"/> bytes (what a run used).</summary>
    public void Clear(long length)
    {
        length = Math.Min(length, Length);
        for (long done = 0; done < length;)
        {
            int part = (int)Math.Min(length - done, 1 << 30);
            Slice(done, part).Clear();
            done += part;
        }
    }

    /// <summary>
    /// Sends <paramref name="frame"/> over <paramref name="socket"/> with this region's descriptor attached (SCM_RIGHTS),
    /// so that it arrives with the frame's first byte. The socket must be idle (nothing else writing).
    /// </summary>
    public void SendDescriptor(Socket socket, ReadOnlySpan<byte> frame, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_descriptor < 0, this);
        bool added = false;
        SafeHandle handle = socket.SafeHandle;
        handle.DangerousAddRef(ref added);
        try
        {
            int sent = SendOnce(handle.DangerousGetHandle(), frame, _descriptor, timeout);
            if (sent < frame.Length)
            {
                // The descriptor went with the first bytes; the rest is ordinary data.
                socket.Send(frame[sent..]);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Closes our descriptor (the mapping stays; the worker holds its own once sent).</summary>
    public void CloseDescriptor()
    {
        int fd = Interlocked.Exchange(ref _descriptor, -1);
        if (fd >= 0)
        {
            LibC.Close(fd);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        CloseDescriptor();
        nint address = Interlocked.Exchange(ref _address, 0);
        if (address != 0)
        {
            LibC.Munmap(address, (nuint)Length);
        }
    }

    private static int SendOnce(nint socket, ReadOnlySpan<byte> frame, int descriptor, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        fixed (byte* data = frame)
        {
            var vector = new LibC.IoVector { Base = data, Length = (nuint)frame.Length };
            var control = new LibC.DescriptorControl
            {
                Length = (nuint)(sizeof(nuint) + 8 + sizeof(int)),
                Level = LibC.SolSocket,
                Type = LibC.ScmRights,
                Descriptor = descriptor,
            };
            var message = new LibC.MessageHeader
            {
                Vectors = &vector,
                VectorCount = 1,
                Control = &control,
                ControlLength = (nuint)sizeof(LibC.DescriptorControl),
            };
            while (true)
            {
                nint sent = LibC.SendMsg(socket, &message, LibC.MsgNoSignal);
                if (sent >= 0)
                {
                    return (int)sent;
                }

                int errno = Marshal.GetLastPInvokeError();
                // The socket is non-blocking once .NET has used it asynchronously: a full send buffer (never the case
                // between runs, where this is called) is waited out, boundedly.
                if ((errno == LibC.EAgain || errno == LibC.EIntr) && Environment.TickCount64 < deadline)
                {
                    Thread.Sleep(1);
                    continue;
                }

                throw new IOException($"Passing the shared-memory descriptor to the worker failed: sendmsg: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
            }
        }
    }

    private static IOException Failure(string call)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"Creating a shared-memory region failed: {call}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }
}
