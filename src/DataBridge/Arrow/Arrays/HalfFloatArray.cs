using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of float16 (<see cref="System.Half"/>) values.</summary>
public sealed class HalfFloatArray : PrimitiveArray<Half>
{
    /// <summary>Wraps float16 array data.</summary>
    /// <exception cref="ArgumentException">The data is not float16 or its buffers are too small.</exception>
    public HalfFloatArray(ArrayData data)
        : base(data, ArrowTypeId.FloatingPoint)
    {
    }

    /// <summary>Builds <see cref="HalfFloatArray"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<Half, HalfFloatArray>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(FloatingPointType.Float16, d => new HalfFloatArray(d), allocator)
        {
        }
    }
}
