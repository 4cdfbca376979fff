using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of signed 16-bit integers (<c>int16</c>).</summary>
public sealed class Int16Array : PrimitiveArray<short>
{
    /// <summary>Wraps int16 array data.</summary>
    /// <exception cref="ArgumentException">The data is not int16 or its buffers are too small.</exception>
    public Int16Array(ArrayData data)
        : base(data, ArrowTypeId.Int)
    {
        if (((IntType)data.Type).IsSigned != true)
        {
            ArrayChecks.ThrowWrongType(data, "int16");
        }
    }

    /// <summary>Builds <see cref="Int16Array"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<short, Int16Array>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(IntType.Int16, d => new Int16Array(d), allocator)
        {
        }
    }
}
