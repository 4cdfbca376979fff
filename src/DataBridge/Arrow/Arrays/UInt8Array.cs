using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of unsigned 8-bit integers (<c>uint8</c>).</summary>
public sealed class UInt8Array : PrimitiveArray<byte>
{
    /// <summary>Wraps uint8 array data.</summary>
    /// <exception cref="ArgumentException">The data is not uint8 or its buffers are too small.</exception>
    public UInt8Array(ArrayData data)
        : base(data, ArrowTypeId.Int)
    {
        if (((IntType)data.Type).IsSigned != false)
        {
            ArrayChecks.ThrowWrongType(data, "uint8");
        }
    }

    /// <summary>Builds <see cref="UInt8Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<byte, UInt8Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(IntType.UInt8, d => new UInt8Array(d), allocator)
        {
        }
    }
}
