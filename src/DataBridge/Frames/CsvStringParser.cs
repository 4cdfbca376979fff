using DataBridge.Arrow.Memory;

namespace DataBridge.Frames;

/// <summary>Strings: the field's UTF-8 bytes copied as they are (no decoding); a quoted empty field is the empty string.</summary>
internal sealed class CsvStringParser : CsvColumnParser
{
    private readonly VariableBinaryBuilder _builder;
    private int _lastBytes;

    public CsvStringParser(Field field, bool large)
        : base(field) => _builder = new VariableBinaryBuilder(large, ArrowMemoryAllocator.Default);

    public override void AppendNull() => _builder.AppendNull();

    public override bool TryAppend(ReadOnlySpan<byte> text, bool quoted)
    {
        _builder.Append(text);
        return true;
    }

    public override IArrowArray Build()
    {
        _lastBytes = _builder.DataLength;
        return ArrowArrayFactory.BuildArray(_builder.Build(Field.DataType));
    }

    public override void Reserve(int rows) => _builder.Reserve(rows, _lastBytes);
}
