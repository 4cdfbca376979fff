using System.Buffers;
using System.Runtime.InteropServices;

namespace DataBridge.Ipc;

/// <summary>
/// The body of one RecordBatch or DictionaryBatch message being written: its FieldNodes, its Buffer entries
/// and the byte segments to send, in order. Segments are the caller's own memory wherever possible (no copy);
/// only re-based bitmaps and offsets are materialised, in pooled arrays released by <see cref="Reset"/>.
/// </summary>
/// <remarks>
/// Each non-empty buffer starts on a 64-byte boundary of the body (zero padding between buffers); the
/// Buffer entry records the exact byte length. The body length is a multiple of 8.
/// </remarks>
internal sealed class BodyLayout
{
    public const int BufferAlignment = 64;

    private static readonly byte[] Zeros = new byte[BufferAlignment];

    private readonly List<long> _nodeLengths = [];
    private readonly List<long> _nodeNullCounts = [];
    private readonly List<long> _bufferOffsets = [];
    private readonly List<long> _bufferLengths = [];
    private readonly List<ReadOnlyMemory<byte>> _segments = [];
    private readonly List<byte[]> _rented = [];
    private readonly List<long> _variadicCounts = [];
    private Apache.Arrow.Ipc.ICompressionCodec? _codec;
    private MemoryStream? _compressed;

    /// <summary>Rows of the batch (RecordBatch.length).</summary>
    public long Length { get; private set; }

    /// <summary>Bytes of body, padding included.</summary>
    public long BodyLength { get; private set; }

    public ReadOnlySpan<long> NodeLengths => CollectionsMarshal.AsSpan(_nodeLengths);

    public ReadOnlySpan<long> NodeNullCounts => CollectionsMarshal.AsSpan(_nodeNullCounts);

    public ReadOnlySpan<long> BufferOffsets => CollectionsMarshal.AsSpan(_bufferOffsets);

    public ReadOnlySpan<long> BufferLengths => CollectionsMarshal.AsSpan(_bufferLengths);

    /// <summary>The body bytes in order, padding included.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Segments => _segments;

    /// <summary>The number of variadic data buffers of each view-typed array, in pre-order.</summary>
    public ReadOnlySpan<long> VariadicCounts => CollectionsMarshal.AsSpan(_variadicCounts);

    /// <summary>The codec buffers are compressed with (null: not compressed), as the message's BodyCompression says.</summary>
    public ArrowIpcCompression Compression { get; private set; }

    /// <summary>Compresses every following buffer with <paramref name="compression"/> (the writer's option).</summary>
    public void UseCompression(ArrowIpcCompression compression)
    {
        if (compression == Compression)
        {
            return;
        }

        _codec?.Dispose();
        _codec = compression == ArrowIpcCompression.None
            ? null
            : new Apache.Arrow.Compression.CompressionCodecFactory().CreateCodec(
                compression == ArrowIpcCompression.Lz4Frame ? Apache.Arrow.Ipc.CompressionCodecType.Lz4Frame : Apache.Arrow.Ipc.CompressionCodecType.Zstd);
        Compression = compression;
    }

    /// <summary>Records the variadic buffer count of a view-typed array.</summary>
    public void AddVariadicCount(long count) => _variadicCounts.Add(count);

    /// <summary>Returns pooled memory and starts a new body of <paramref name="length"/> rows.</summary>
    public void Reset(long length)
    {
        foreach (byte[] array in _rented)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        _rented.Clear();
        _nodeLengths.Clear();
        _nodeNullCounts.Clear();
        _bufferOffsets.Clear();
        _bufferLengths.Clear();
        _segments.Clear();
        _variadicCounts.Clear();
        Length = length;
        BodyLength = 0;
    }

    public void AddNode(long length, long nullCount)
    {
        _nodeLengths.Add(length);
        _nodeNullCounts.Add(nullCount);
    }

    /// <summary>Appends a buffer: 64-byte aligned in the body, exact length in its entry.</summary>
    public void AddBuffer(ReadOnlyMemory<byte> bytes)
    {
        if (_codec is not null && !bytes.IsEmpty)
        {
            bytes = Compress(bytes);
        }

        if (bytes.IsEmpty)
        {
            // No bytes, but still an 8-aligned offset (within the body once it is padded to 8).
            _bufferOffsets.Add(BitOps.Align8(BodyLength));
            _bufferLengths.Add(0);
            return;
        }

        Pad(BufferAlignment);
        _bufferOffsets.Add(BodyLength);
        _bufferLengths.Add(bytes.Length);
        _segments.Add(bytes);
        BodyLength += bytes.Length;
    }

    /// <summary>Pads the body to a multiple of 8 bytes; call once after the last buffer.</summary>
    public void Complete() => Pad(8);

    /// <summary>
    /// A compressed buffer: the uncompressed length as int64, then the codec's frame; or -1 and the bytes as
    /// they are when compression does not make them smaller (Columnar format, "Compression").
    /// </summary>
    private ReadOnlyMemory<byte> Compress(ReadOnlyMemory<byte> bytes)
    {
        _compressed ??= new MemoryStream();
        _compressed.SetLength(0);
        Span<byte> prefix = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(prefix, bytes.Length);
        _compressed.Write(prefix);
        _codec!.Compress(bytes, _compressed);
        bool smaller = _compressed.Length < bytes.Length + 8;
        int length = smaller ? (int)_compressed.Length : bytes.Length + 8;
        Memory<byte> target = Rent(length);
        if (smaller)
        {
            _compressed.GetBuffer().AsSpan(0, length).CopyTo(target.Span);
        }
        else
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(target.Span, -1);
            bytes.Span.CopyTo(target.Span[8..]);
        }

        return target;
    }

    /// <summary>Pooled scratch memory of <paramref name="length"/> bytes, zeroed, owned by this layout until the next <see cref="Reset"/>.</summary>
    public Memory<byte> Rent(int length)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(length);
        _rented.Add(array);
        Memory<byte> memory = array.AsMemory(0, length);
        memory.Span.Clear();
        return memory;
    }

    private void Pad(int alignment)
    {
        int pad = (int)(BitOps.Align64(BodyLength) - BodyLength);
        if (alignment == 8)
        {
            pad = (int)(BitOps.Align8(BodyLength) - BodyLength);
        }

        if (pad > 0)
        {
            _segments.Add(Zeros.AsMemory(0, pad));
            BodyLength += pad;
        }
    }
}
