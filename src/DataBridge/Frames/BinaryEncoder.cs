using DataBridge.Arrow.Memory;

namespace DataBridge.Frames;

/// <summary><see cref="T:byte[]"/> → binary (nullable field).</summary>
internal sealed class BinaryEncoder : ArrayEncoder<byte[]?>
{
    private readonly VariableBinaryBuilder _builder = new(large: false, ArrowMemoryAllocator.Default);
    private int _lastBytes;

    public BinaryEncoder(string name)
        : base(name, BinaryType.Default, nullable: true)
    {
    }

    public override void Append(byte[]? value)
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
        return ArrowArrayFactory.BuildArray(_builder.Build(BinaryType.Default));
    }
}
