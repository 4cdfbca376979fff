using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// An array of variable-length byte strings with 64-bit offsets: element <c>i</c> is
/// <c>data[offsets[i]..offsets[i+1]]</c>. Also the base of <see cref="LargeStringArray"/>.
/// </summary>
public class LargeBinaryArray : BinaryArrayBase<long>
{
    /// <summary>Wraps largebinary (or largeutf8) array data.</summary>
    /// <exception cref="ArgumentException">The data has another type or its buffers are too small.</exception>
    public LargeBinaryArray(ArrayData data)
        : base(data)
    {
    }

    /// <summary>Builds <see cref="LargeBinaryArray"/> instances. After <see cref="BinaryArrayBase{TOffset}.BuilderBase{TArray, TSelf}.Build"/> the builder is empty and reusable.</summary>
    public sealed class Builder : BuilderBase<LargeBinaryArray, Builder>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(LargeBinaryType.Default, allocator)
        {
        }

        /// <summary>Appends a byte string.</summary>
        public Builder Append(ReadOnlySpan<byte> value) => AppendValue(value);
    }
}
