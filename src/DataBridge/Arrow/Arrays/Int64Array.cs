using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of signed 64-bit integers (<c>int64</c>).</summary>
public sealed class Int64Array : PrimitiveArray<long>
{
    /// <summary>Wraps int64 array data.</summary>
    /// <exception cref="ArgumentException">The data is not int64 or its buffers are too small.</exception>
    public Int64Array(ArrayData data)
        : base(data, ArrowTypeId.Int)
    {
        if (((IntType)data.Type).IsSigned != true)
        {
            ArrayChecks.ThrowWrongType(data, "int64");
        }
    }

    /// <summary>Builds <see cref="Int64Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<long, Int64Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(IntType.Int64, d => new Int64Array(d), allocator)
        {
        }
    }
}
