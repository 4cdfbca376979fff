using DataBridge.Arrow.Memory;

namespace DataBridge.Arrow;

/// <summary>
/// Builds a <typeparamref name="TArray"/> of fixed-width <typeparamref name="T"/> values. Values go
/// straight into one growable buffer (no per-value allocation); <c>AppendRange(ReadOnlySpan)</c> is one copy.
/// After <see cref="Build"/> the builder is empty and can be reused.
/// </summary>
/// <typeparam name="T">The stored value type.</typeparam>
/// <typeparam name="TArray">The array type produced.</typeparam>
public abstract class PrimitiveArrayBuilder<T, TArray> : IArrowArrayBuilder, IPrimitiveValueAppender<T>
    where T : unmanaged
    where TArray : PrimitiveArray<T>
{
    private readonly Func<ArrayData, TArray> _create;
    private readonly BufferBuilder _values;
    private readonly ValidityBuilder _validity;

    private protected PrimitiveArrayBuilder(ArrowType type, Func<ArrayData, TArray> create, ArrowMemoryAllocator? allocator)
    {
        DataType = type;
        _create = create;
        allocator ??= ArrowMemoryAllocator.Default;
        _values = new BufferBuilder(allocator);
        _validity = new ValidityBuilder(allocator);
    }

    /// <inheritdoc />
    public ArrowType DataType { get; }

    /// <inheritdoc />
    public int Length => _validity.Length;

    /// <inheritdoc />
    public int NullCount => _validity.NullCount;

    /// <summary>Appends a value.</summary>
    public PrimitiveArrayBuilder<T, TArray> Append(T value)
    {
        _values.Append(value);
        _validity.AppendValid();
        return this;
    }

    /// <summary>Appends a value, or a null when <paramref name="value"/> has none.</summary>
    public PrimitiveArrayBuilder<T, TArray> Append(T? value) => value.HasValue ? Append(value.GetValueOrDefault()) : AppendNull();

    /// <summary>Appends a null (its slot holds the default value).</summary>
    public PrimitiveArrayBuilder<T, TArray> AppendNull()
    {
        _values.Append(default(T));
        _validity.AppendNull();
        return this;
    }

    /// <summary>Appends <paramref name="values"/> with a single copy; all are valid.</summary>
    public PrimitiveArrayBuilder<T, TArray> AppendRange(ReadOnlySpan<T> values)
    {
        _values.AppendRange(values);
        _validity.AppendValid(values.Length);
        return this;
    }

    /// <summary>Appends values and nulls.</summary>
    public PrimitiveArrayBuilder<T, TArray> AppendRange(IEnumerable<T?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (T? v in values)
        {
            Append(v);
        }

        return this;
    }

    /// <summary>Ensures room for <paramref name="additional"/> more values without reallocating.</summary>
    public unsafe PrimitiveArrayBuilder<T, TArray> Reserve(int additional)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(additional);
        _values.Reserve(checked(additional * sizeof(T)));
        _validity.Reserve(additional);
        return this;
    }

    /// <summary>Produces the array and resets the builder.</summary>
    public TArray Build()
    {
        int length = Length;
        (ArrowBuffer validity, int nullCount) = _validity.Build();
        ArrowBuffer values = _values.Build();
        return _create(new ArrayData(DataType, length, nullCount, 0, [validity, values]));
    }

    /// <inheritdoc />
    void IPrimitiveValueAppender<T>.AppendValue(T value) => Append(value);

    /// <inheritdoc />
    void IArrowArrayBuilder.AppendNull() => AppendNull();

    /// <inheritdoc />
    void IArrowArrayBuilder.Reserve(int additional) => Reserve(additional);

    /// <inheritdoc />
    ArrowArray IArrowArrayBuilder.Build() => Build();

    /// <inheritdoc />
    public void AppendFrom(ArrowArray source, int index)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source is not PrimitiveArray<T> typed || source.Type.TypeId != DataType.TypeId)
        {
            ArrayChecks.ThrowWrongSource(DataType, source.Type);
            return;
        }

        ArrayChecks.CheckIndex(index, typed.Length);
        if (typed.IsNull(index))
        {
            AppendNull();
        }
        else
        {
            Append(typed.GetValue(index));
        }
    }
}
