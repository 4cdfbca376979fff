using System.Globalization;
using System.Numerics;

namespace DataBridge.Frames;

/// <summary>Integers and floats, parsed straight from UTF-8 with the invariant culture (floats accept exponents, <c>NaN</c>, <c>Infinity</c>).</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <typeparam name="TArray">The array type.</typeparam>
internal sealed class CsvNumberParser<T, TArray> : CsvColumnParser
    where T : unmanaged, INumberBase<T>
    where TArray : PrimitiveArray<T>
{
    private static readonly NumberStyles Style = typeof(T) == typeof(Half) || typeof(T) == typeof(float) || typeof(T) == typeof(double)
        ? NumberStyles.Float
        : NumberStyles.Integer;

    private readonly PrimitiveArrayBuilder<T, TArray> _builder;

    public CsvNumberParser(Field field, PrimitiveArrayBuilder<T, TArray> builder)
        : base(field) => _builder = builder;

    public override void AppendNull() => _builder.AppendNull();

    public override bool TryAppend(ReadOnlySpan<byte> text, bool quoted)
    {
        if (text.IsEmpty)
        {
            _builder.AppendNull();
            return true;
        }

        if (!T.TryParse(text, Style, CultureInfo.InvariantCulture, out T value))
        {
            return false;
        }

        _builder.Append(value);
        return true;
    }

    public override ArrowArray Build() => _builder.Build();
}
