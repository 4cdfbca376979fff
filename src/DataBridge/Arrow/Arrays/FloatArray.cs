using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>An array of float32 values.</summary>
public sealed class FloatArray : PrimitiveArray<float>
{
    /// <summary>Wraps float32 array data.</summary>
    /// <exception cref="ArgumentException">The data is not float32 or its buffers are too small.</exception>
    public FloatArray(ArrayData data)
        : base(data, ArrowTypeId.FloatingPoint)
    {
    }

    /// <summary>Builds <see cref="FloatArray"/> instances.</summary>
    public sealed class Builder : PrimitiveArrayBuilder<float, FloatArray>
    {
        /// <summary>Creates a builder.</summary>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ArrowMemoryAllocator? allocator = null)
            : base(FloatingPointType.Float32, d => new FloatArray(d), allocator)
        {
        }
    }
}
