namespace DataBridge.Frames;

/// <summary>Fixed-width numbers straight into a <see cref="FixedWidthBuilder{T}"/>; a span of values is one copy.</summary>
/// <typeparam name="T">The stored value type.</typeparam>
internal sealed class PrimitiveEncoder<T> : ArrayEncoder<T>
    where T : unmanaged
{
    private readonly FixedWidthBuilder<T> _builder = new();
    private readonly IArrowType _type;

    public PrimitiveEncoder(string name, IArrowType type)
        : base(name, type, nullable: false) => _type = type;

    public override void Append(T value) => _builder.Append(value);

    public override void AppendRange(ReadOnlySpan<T> values) => _builder.AppendRange(values);

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    protected override IArrowArray BuildPartition() => ArrowArrayFactory.BuildArray(_builder.Build(_type));
}
