using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of unsigned 32-bit integers (<c>uint32</c>).</summary>
public sealed class UInt32Array : PrimitiveArray<uint>
{
    /// <summary>Wraps uint32 array data.</summary>
    /// <exception cref="ArgumentException">The data is not uint32 or its buffers are too small.</exception>
    public UInt32Array(ArrayData data)
        : base(data, ArrowTypeId.Int)
    {
        if (((IntType)data.Type).IsSigned != false)
        {
            ArrayChecks.ThrowWrongType(data, "uint32");
        }
    }

    /// <summary>Builds <see cref="UInt32Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<uint, UInt32Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(IntType.UInt32, d => new UInt32Array(d), allocator)
        {
        }
    }
}
