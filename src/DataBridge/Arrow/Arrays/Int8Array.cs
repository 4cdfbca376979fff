using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of signed 8-bit integers (<c>int8</c>).</summary>
public sealed class Int8Array : PrimitiveArray<sbyte>
{
    /// <summary>Wraps int8 array data.</summary>
    /// <exception cref="ArgumentException">The data is not int8 or its buffers are too small.</exception>
    public Int8Array(ArrayData data)
        : base(data, ArrowTypeId.Int)
    {
        if (((IntType)data.Type).IsSigned != true)
        {
            ArrayChecks.ThrowWrongType(data, "int8");
        }
    }

    /// <summary>Builds <see cref="Int8Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<sbyte, Int8Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(IntType.Int8, d => new Int8Array(d), allocator)
        {
        }
    }
}
