using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of signed 32-bit integers (<c>int32</c>).</summary>
public sealed class Int32Array : PrimitiveArray<int>
{
    /// <summary>Wraps int32 array data.</summary>
    /// <exception cref="ArgumentException">The data is not int32 or its buffers are too small.</exception>
    public Int32Array(ArrayData data)
        : base(data, ArrowTypeId.Int)
    {
        if (((IntType)data.Type).IsSigned != true)
        {
            ArrayChecks.ThrowWrongType(data, "int32");
        }
    }

    /// <summary>Builds <see cref="Int32Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<int, Int32Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(IntType.Int32, d => new Int32Array(d), allocator)
        {
        }
    }
}
