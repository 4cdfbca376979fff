using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of float64 values.</summary>
public sealed class DoubleArray : PrimitiveArray<double>
{
    /// <summary>Wraps float64 array data.</summary>
    /// <exception cref="ArgumentException">The data is not float64 or its buffers are too small.</exception>
    public DoubleArray(ArrayData data)
        : base(data, ArrowTypeId.FloatingPoint)
    {
    }

    /// <summary>Builds <see cref="DoubleArray"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<double, DoubleArray>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(FloatingPointType.Float64, d => new DoubleArray(d), allocator)
        {
        }
    }
}
