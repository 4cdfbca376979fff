namespace DataBridge.Frames;

/// <summary>
/// <see cref="decimal"/> → decimal128(38, s), s = the largest scale among the column's values, so no
/// digit of any value is lost; when the integer digits plus s exceed 38 (e.g. <see cref="decimal.MaxValue"/>
/// next to a value with 28 fractional digits) the column becomes decimal256(76, s). The type depends on
/// every value, so values are kept until <see cref="Complete"/>.
/// </summary>
internal sealed class DecimalEncoder : ColumnEncoder<decimal>
{
    private readonly List<decimal> _values = [];
    private readonly List<bool> _valid = [];
    private readonly List<int> _ends = [];
    private bool _nullable;
    private int _scale;
    private int _integerDigits;

    public DecimalEncoder(string name)
        : base(name)
    {
    }

    public override void Append(decimal value)
    {
        _values.Add(value);
        _valid.Add(true);
        _scale = Math.Max(_scale, value.Scale);
        _integerDigits = Math.Max(_integerDigits, IntegerDigits(value));
    }

    public override void AppendNull()
    {
        _nullable = true;
        _values.Add(0m);
        _valid.Add(false);
    }

    public override void EndPartition() => _ends.Add(_values.Count);

    public override (Field Field, IReadOnlyList<IArrowArray> Partitions) Complete()
    {
        bool narrow = _integerDigits + _scale <= 38;
        IArrowType type = narrow ? new Decimal128Type(38, _scale) : new Decimal256Type(76, _scale);
        int width = narrow ? 16 : 32;
        var builder = new FixedWidthBinaryBuilder(type, width, allocator: null);
        var partitions = new List<IArrowArray>(_ends.Count);
        int start = 0;
        foreach (int end in _ends)
        {
            builder.Reserve(end - start);
            for (int i = start; i < end; i++)
            {
                if (_valid[i])
                {
                    // Cannot fail: the type was chosen to hold every value's digits at this scale.
                    DecimalConversion.TryWrite(_values[i], _scale, builder.AppendSlot());
                }
                else
                {
                    builder.AppendNull();
                }
            }

            partitions.Add(ArrowArrayFactory.BuildArray(builder.Build()));
            start = end;
        }

        return (new Field(Name, type, _nullable), partitions);
    }

    /// <summary>Digits left of the point (0 for |value| &lt; 1), exactly, from the 96-bit mantissa.</summary>
    internal static int IntegerDigits(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        int digits = 0;
        while (mantissa != 0)
        {
            mantissa /= 10;
            digits++;
        }

        return Math.Max(digits - value.Scale, 0);
    }
}
