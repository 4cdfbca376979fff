using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace DataBridge.Workers.SharedMemory;

/// <summary>
/// The few Linux system calls the shared-memory transport needs and .NET does not wrap: an anonymous memory file
/// (<c>memfd_create</c>) with seals, its mapping, and <c>sendmsg</c> to pass its descriptor over a Unix-domain socket
/// (SCM_RIGHTS). Layouts are those of 64-bit Linux (x64 and arm64 share them).
/// </summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class LibC
{
    public const uint MfdCloexec = 0x1;
    public const uint MfdAllowSealing = 0x2;
    public const int FAddSeals = 1033;
    public const int FGetSeals = 1034;
    public const int FSealSeal = 0x1;
    public const int FSealShrink = 0x2;
    public const int FSealGrow = 0x4;
    public const int ProtRead = 0x1;
    public const int ProtWrite = 0x2;
    public const int MapShared = 0x1;
    public const int SolSocket = 1;
    public const int ScmRights = 1;
    public const int MsgNoSignal = 0x4000;
    public const int EIntr = 4;
    public const int EAgain = 11;

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(nint socket, MessageHeader* message, int flags);

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c> (64-bit Linux).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary><c>struct cmsghdr</c> followed by one descriptor (CMSG_SPACE(sizeof(int)) = 24 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DescriptorControl
    {
        public nuint Length;
        public int Level;
        public int Type;
        public int Descriptor;
        public int Padding;
    }
}
