using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// An array of variable-length byte strings with 32-bit offsets: element <c>i</c> is
/// <c>data[offsets[i]..offsets[i+1]]</c>. Also the base of <see cref="StringArray"/>.
/// </summary>
public class BinaryArray : BinaryArrayBase<int>
{
    /// <summary>Wraps binary (or utf8) array data.</summary>
    /// <exception cref="ArgumentException">The data has another type or its buffers are too small.</exception>
    public BinaryArray(ArrayData data)
        : base(data)
    {
    }

    /// <summary>Builds <see cref="BinaryArray"/> instances. After <see cref="BinaryArrayBase{TOffset}.BuilderBase{TArray, TSelf}.Build"/> the builder is empty and reusable.</summary>
    public sealed class Builder : BuilderBase<BinaryArray, Builder>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(BinaryType.Default, allocator)
        {
        }

        /// <summary>Appends a byte string.</summary>
        public Builder Append(ReadOnlySpan<byte> value) => AppendValue(value);
    }
}
