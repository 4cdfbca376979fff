using System.Globalization;
using System.Text;

namespace DataBridge.Frames;

/// <summary>time64 from <c>HH:mm:ss[.f…]</c> and durations from <c>[-][d.]hh:mm:ss[.f…]</c> (invariant TimeSpan text).</summary>
internal sealed class CsvTimeParser : CsvColumnParser
{
    private readonly PrimitiveArrayBuilder<long, Time64Array>? _time;
    private readonly PrimitiveArrayBuilder<long, DurationArray>? _duration;
    private readonly TimeUnit _unit;

    public CsvTimeParser(Field field)
        : base(field)
    {
        if (field.DataType is TimeType t)
        {
            _unit = t.Unit;
            _time = new Time64Array.Builder(t);
        }
        else
        {
            var d = (DurationType)field.DataType;
            _unit = d.Unit;
            _duration = new DurationArray.Builder(d);
        }
    }

    public override void AppendNull()
    {
        _time?.AppendNull();
        _duration?.AppendNull();
    }

    public override bool TryAppend(ReadOnlySpan<byte> text, bool quoted)
    {
        if (text.IsEmpty)
        {
            AppendNull();
            return true;
        }

        string s = Encoding.UTF8.GetString(text);
        long ticks;
        if (_time is not null)
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

        _time?.Append(value);
        _duration?.Append(value);
        return true;
    }

    public override void Reserve(int rows)
    {
        _time?.Reserve(rows);
        _duration?.Reserve(rows);
    }

    public override ArrowArray Build() => _time is not null ? _time.Build() : _duration!.Build();
}
