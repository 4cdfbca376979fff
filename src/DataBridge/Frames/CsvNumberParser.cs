using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace DataBridge.Frames;

/// <summary>Integers and floats, parsed straight from UTF-8 with the invariant culture (floats accept exponents, <c>NaN</c>, <c>Infinity</c>).</summary>
/// <typeparam name="T">The value type.</typeparam>
internal sealed class CsvNumberParser<T> : CsvColumnParser
    where T : unmanaged, INumberBase<T>
{
    private static readonly NumberStyles Style = typeof(T) == typeof(Half) || typeof(T) == typeof(float) || typeof(T) == typeof(double)
        ? NumberStyles.Float
        : NumberStyles.Integer;

    private readonly FixedWidthBuilder<T> _builder = new();

    public CsvNumberParser(Field field)
        : base(field)
    {
    }

    public override void AppendNull() => _builder.AppendNull();

    public override bool TryAppend(ReadOnlySpan<byte> text, bool quoted)
    {
        if (text.IsEmpty)
        {
            _builder.AppendNull();
            return true;
        }

        if (TryParseFast(text, out T value) || T.TryParse(text, Style, CultureInfo.InvariantCulture, out value))
        {
            _builder.Append(value);
            return true;
        }

        return false;
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    public override IArrowArray Build() => ArrowArrayFactory.BuildArray(_builder.Build(Field.DataType));

    /// <summary>
    /// Utf8Parser for the common plain forms (<c>-123</c>, <c>1.5e3</c>), which skips NumberStyles'
    /// culture and whitespace handling; anything it does not take whole goes to the full parser.
    /// The type tests fold away per instantiation.
    /// </summary>
    private static bool TryParseFast(ReadOnlySpan<byte> text, out T value)
    {
        value = default;
        int consumed;
        if (typeof(T) == typeof(long))
        {
            bool ok = Utf8Parser.TryParse(text, out long v, out consumed) && consumed == text.Length;
            value = Unsafe.As<long, T>(ref v);
            return ok;
        }

        if (typeof(T) == typeof(int))
        {
            bool ok = Utf8Parser.TryParse(text, out int v, out consumed) && consumed == text.Length;
            value = Unsafe.As<int, T>(ref v);
            return ok;
        }

        if (typeof(T) == typeof(double))
        {
            bool ok = Utf8Parser.TryParse(text, out double v, out consumed) && consumed == text.Length;
            value = Unsafe.As<double, T>(ref v);
            return ok;
        }

        return false;
    }
}
