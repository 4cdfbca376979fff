namespace DataBridge.Frames;

/// <summary>Fixed-width numbers straight into a <see cref="PrimitiveArrayBuilder{T, TArray}"/>.</summary>
/// <typeparam name="T">The stored value type.</typeparam>
/// <typeparam name="TArray">The array type.</typeparam>
internal sealed class PrimitiveEncoder<T, TArray> : ArrayEncoder<T>
    where T : unmanaged
    where TArray : PrimitiveArray<T>
{
    private readonly PrimitiveArrayBuilder<T, TArray> _builder;

    public PrimitiveEncoder(string name, ArrowType type, Func<PrimitiveArrayBuilder<T, TArray>> builder)
        : base(name, type, nullable: false) => _builder = builder();

    public override void Append(T value) => _builder.Append(value);

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    protected override ArrowArray BuildPartition() => _builder.Build();
}
