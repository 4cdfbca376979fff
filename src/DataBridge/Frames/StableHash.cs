using System.Runtime.InteropServices;
using Apache.Arrow.Arrays;

namespace DataBridge.Frames;

/// <summary>
/// A 64-bit FNV-1a hash of one Arrow value's bytes, the same in every process and on every machine
/// (unlike <see cref="string.GetHashCode()"/>, which is randomised per process): what
/// <see cref="ArrowFrame.PartitionBy"/> needs for its partitions to be reproducible.
/// </summary>
internal static class StableHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>The hash of element <paramref name="index"/> (not null) of <paramref name="array"/>.</summary>
    public static ulong Of(IArrowArray array, int index) => array switch
    {
        BinaryArray a => Bytes(a.GetBytes(index)),
        LargeBinaryArray a => Bytes(a.GetBytes(index)),
        FixedSizeBinaryArray a => Bytes(a.GetBytes(index)), // and the decimals: their unscaled bytes
        BooleanArray a => Bytes([a.GetValue(index) == true ? (byte)1 : (byte)0]),
        PrimitiveArray<sbyte> a => Value(a, index),
        PrimitiveArray<byte> a => Value(a, index),
        PrimitiveArray<short> a => Value(a, index),
        PrimitiveArray<ushort> a => Value(a, index),
        PrimitiveArray<int> a => Value(a, index),
        PrimitiveArray<uint> a => Value(a, index),
        PrimitiveArray<long> a => Value(a, index),
        PrimitiveArray<ulong> a => Value(a, index),
        PrimitiveArray<Half> a => Value(a, index),
        PrimitiveArray<float> a => Value(a, index),
        PrimitiveArray<double> a => Value(a, index),
        _ => Bytes(System.Text.Encoding.UTF8.GetBytes(TextTable.Format(BoxedValue.Get(array, index)))),
    };

    private static ulong Value<T>(PrimitiveArray<T> array, int index)
        where T : struct, IEquatable<T>
    {
        T value = array.Values[index];
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));
        if (BitConverter.IsLittleEndian)
        {
            return Bytes(bytes);
        }

        Span<byte> le = stackalloc byte[bytes.Length];
        bytes.CopyTo(le);
        le.Reverse();
        return Bytes(le);
    }

    private static ulong Bytes(ReadOnlySpan<byte> bytes)
    {
        ulong hash = Offset;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
