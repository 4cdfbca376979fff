namespace DataBridge.Frames;

/// <summary><see cref="bool"/> → bool (bit-packed).</summary>
internal sealed class BooleanEncoder : ArrayEncoder<bool>
{
    private readonly BooleanValuesBuilder _builder = new();

    public BooleanEncoder(string name)
        : base(name, BooleanType.Default, nullable: false)
    {
    }

    public override void Append(bool value) => _builder.Append(value);

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    protected override IArrowArray BuildPartition() => ArrowArrayFactory.BuildArray(_builder.Build());
}
