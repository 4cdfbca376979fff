using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of unsigned 16-bit integers (<c>uint16</c>).</summary>
public sealed class UInt16Array : PrimitiveArray<ushort>
{
    /// <summary>Wraps uint16 array data.</summary>
    /// <exception cref="ArgumentException">The data is not uint16 or its buffers are too small.</exception>
    public UInt16Array(ArrayData data)
        : base(data, ArrowTypeId.Int)
    {
        if (((IntType)data.Type).IsSigned != false)
        {
            ArrayChecks.ThrowWrongType(data, "uint16");
        }
    }

    /// <summary>Builds <see cref="UInt16Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<ushort, UInt16Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(IntType.UInt16, d => new UInt16Array(d), allocator)
        {
        }
    }
}
