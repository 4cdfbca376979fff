namespace DataBridge.Frames;

/// <summary><see cref="Guid"/> → fixed_size_binary(16) tagged <c>arrow.uuid</c>, bytes in RFC 4122 (big-endian) order.</summary>
internal sealed class GuidEncoder : ArrayEncoder<Guid>
{
    private static readonly FixedSizeBinaryType Type = new(16);
    private readonly FixedWidthBinaryBuilder _builder = new(Type, 16, allocator: null);

    public GuidEncoder(string name)
        : base(name, Type, nullable: false, ClrTypeMapping.UuidMetadata)
    {
    }

    public override void Append(Guid value) => value.TryWriteBytes(_builder.AppendSlot(), bigEndian: true, out _);

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    protected override IArrowArray BuildPartition() => ArrowArrayFactory.BuildArray(_builder.Build());
}
