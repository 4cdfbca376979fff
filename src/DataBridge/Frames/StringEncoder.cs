using DataBridge.Arrow.Memory;

namespace DataBridge.Frames;

/// <summary><see cref="string"/> → utf8 (always a nullable field: a reference may be null).</summary>
internal sealed class StringEncoder : ArrayEncoder<string?>
{
    private readonly VariableBinaryBuilder _builder = new(large: false, ArrowMemoryAllocator.Default);
    private int _lastBytes;

    public StringEncoder(string name)
        : base(name, StringType.Default, nullable: true)
    {
    }

    public override void Append(string? value)
    {
        if (value is null)
        {
            _builder.AppendNull();
        }
        else
        {
            _builder.Append(value);
        }
    }

    public override void AppendNull() => _builder.AppendNull();

    public override void Reserve(int rows) => _builder.Reserve(rows, _lastBytes);

    protected override IArrowArray BuildPartition()
    {
        _lastBytes = _builder.DataLength;
        return ArrowArrayFactory.BuildArray(_builder.Build(StringType.Default));
    }
}
