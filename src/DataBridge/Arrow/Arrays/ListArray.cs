using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// An array of variable-size lists with 32-bit offsets: element <c>i</c> is the child range
/// <c>[offsets[i], offsets[i+1])</c> of <see cref="ListArrayBase{TOffset}.Values"/>. Also the base of <see cref="MapArray"/>.
/// </summary>
public class ListArray : ListArrayBase<int>
{
    /// <summary>Wraps list array data.</summary>
    /// <exception cref="ArgumentException">The data is not a list or its buffers or child do not fit.</exception>
    public ListArray(ArrayData data)
        : base(data, ArrowTypeId.List)
    {
    }

    /// <summary>Wraps list-like data of type <paramref name="typeId"/> (list or map).</summary>
    private protected ListArray(ArrayData data, ArrowTypeId typeId)
        : base(data, typeId)
    {
    }

    /// <summary>
    /// Builds <see cref="ListArray"/> instances: call <see cref="ListArrayBase{TOffset}.BuilderBase{TArray, TSelf}.Append"/> to start a list,
    /// then append its values to <see cref="ListArrayBase{TOffset}.BuilderBase{TArray, TSelf}.ValueBuilder"/>. After
    /// <see cref="ListArrayBase{TOffset}.BuilderBase{TArray, TSelf}.Build"/> the builder (and its value builder) is empty and reusable.
    /// </summary>
    public sealed class Builder : BuilderBase<ListArray, Builder>
    {
        /// <summary>Creates a builder with a value builder made for the type's value field.</summary>
        /// <param name="type">The list type.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(ListType type, ArrowMemoryAllocator? allocator = null)
            : base(type, allocator)
        {
        }

        /// <summary>Creates a builder around a value builder (the value field is a nullable <c>item</c>).</summary>
        /// <param name="valueBuilder">Receives the values of every list.</param>
        /// <param name="allocator">Where buffers come from; null for <see cref="ArrowMemoryAllocator.Default"/>.</param>
        public Builder(IArrowArrayBuilder valueBuilder, ArrowMemoryAllocator? allocator = null)
            : base(new ListType((valueBuilder ?? throw new ArgumentNullException(nameof(valueBuilder))).DataType), valueBuilder, allocator)
        {
        }
    }
}
