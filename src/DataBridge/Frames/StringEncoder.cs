namespace DataBridge.Frames;

/// <summary><see cref="string"/> → utf8 (always a nullable field: a reference may be null).</summary>
internal sealed class StringEncoder : ArrayEncoder<string?>
{
    private readonly StringArray.Builder _builder = new();
    private int _lastBytes;

    public StringEncoder(string name)
        : base(name, Utf8Type.Default, nullable: true)
    {
    }

    public override void Append(string? value) => _builder.Append(value);

    public override void AppendNull() => _builder.AppendNull();

    public override void Reserve(int rows) => _builder.Reserve(rows, _lastBytes);

    protected override ArrowArray BuildPartition()
    {
        var built = (BinaryArray)_builder.Build();
        _lastBytes = built.ValueData.Length;
        return built;
    }
}
