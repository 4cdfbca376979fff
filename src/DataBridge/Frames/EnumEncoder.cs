using DataBridge.Arrow.Memory;

namespace DataBridge.Frames;

/// <summary>
/// Enums → utf8 of their names (<c>Enum.ToString()</c>: flag combinations as "A, B", undefined values as
/// their number), so pandas sees readable labels and reordering the enum's members changes nothing.
/// Names are cached per value, so a column of repeated values formats each once.
/// </summary>
/// <typeparam name="T">The enum type.</typeparam>
internal sealed class EnumEncoder<T> : ArrayEncoder<T>
    where T : struct, Enum
{
    private readonly VariableBinaryBuilder _builder = new(large: false, ArrowMemoryAllocator.Default);
    private int _lastBytes;
    private readonly Dictionary<T, string> _names = [];

    public EnumEncoder(string name)
        : base(name, StringType.Default, nullable: false)
    {
    }

    public override void Append(T value)
    {
        if (!_names.TryGetValue(value, out string? text))
        {
            text = value.ToString();
            _names[value] = text;
        }

        _builder.Append(text);
    }

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows, _lastBytes);

    protected override IArrowArray BuildPartition()
    {
        _lastBytes = _builder.DataLength;
        return ArrowArrayFactory.BuildArray(_builder.Build(StringType.Default));
    }
}
