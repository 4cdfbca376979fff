using System.Globalization;
using System.Text;

namespace DataBridge.Frames;

/// <summary>time64 from <c>HH:mm:ss[.f…]</c> and durations from <c>[-][d.]hh:mm:ss[.f…]</c> (invariant TimeSpan text).</summary>
internal sealed class CsvTimeParser : CsvColumnParser
{
    private readonly FixedWidthBuilder<long> _builder = new();
    private readonly bool _time;
    private readonly TimeUnit _unit;

    public CsvTimeParser(Field field)
        : base(field)
    {
        _time = field.DataType is Time64Type;
        _unit = ((TimeBasedType)field.DataType).Unit;
    }

    public override void AppendNull() => _builder.AppendNull();

    public override bool TryAppend(ReadOnlySpan<byte> text, bool quoted)
    {
        if (text.IsEmpty)
        {
            AppendNull();
            return true;
        }

        string s = Encoding.UTF8.GetString(text);
        long ticks;
        if (_time)
        {
            if (!TimeOnly.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly t))
            {
                return false;
            }

            ticks = t.Ticks;
        }
        else
        {
            if (!TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out TimeSpan span))
            {
                return false;
            }

            ticks = span.Ticks;
        }

        long value;
        try
        {
            value = TemporalConversions.FromTicks(ticks, _unit);
        }
        catch (OverflowException)
        {
            return false;
        }

        _builder.Append(value);
        return true;
    }

    public override void Reserve(int rows) => _builder.Reserve(rows);

    public override IArrowArray Build() => ArrowArrayFactory.BuildArray(_builder.Build(Field.DataType));
}
