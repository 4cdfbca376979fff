using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of unsigned 64-bit integers (<c>uint64</c>).</summary>
public sealed class UInt64Array : PrimitiveArray<ulong>
{
    /// <summary>Wraps uint64 array data.</summary>
    /// <exception cref="ArgumentException">The data is not uint64 or its buffers are too small.</exception>
    public UInt64Array(ArrayData data)
        : base(data, ArrowTypeId.Int)
    {
        if (((IntType)data.Type).IsSigned != false)
        {
            ArrayChecks.ThrowWrongType(data, "uint64");
        }
    }

    /// <summary>Builds <see cref="UInt64Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<ulong, UInt64Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(IntType.UInt64, d => new UInt64Array(d), allocator)
        {
        }
    }
}
