namespace DataBridge.Frames;

/// <summary><see cref="Guid"/> → fixed_size_binary(16) tagged <c>arrow.uuid</c>, bytes in RFC 4122 (big-endian) order.</summary>
internal sealed class GuidEncoder : ArrayEncoder<Guid>
{
    private readonly FixedSizeBinaryArray.Builder _builder = new(new FixedSizeBinaryType(16));

    public GuidEncoder(string name)
        : base(name, new FixedSizeBinaryType(16), nullable: false, ClrTypeMapping.UuidMetadata)
    {
    }

    public override void Append(Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        _builder.Append(bytes);
    }

    public override void AppendNull()
    {
        MakeNullable();
        _builder.AppendNull();
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    protected override ArrowArray BuildPartition() => _builder.Build();
}
