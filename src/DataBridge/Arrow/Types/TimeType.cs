using System.Globalization;

namespace DataBridge.Arrow.Types;

/// <summary>Time of day: int32 seconds or milliseconds (time32), int64 micro- or nanoseconds (time64).</summary>
public sealed class TimeType : ArrowType
{
    private readonly int _bitWidth;

    /// <summary>Creates the type; the bit width follows the unit (32 for s/ms, 64 for us/ns).</summary>
    public TimeType(TimeUnit unit)
    {
        Unit = unit;
        _bitWidth = unit is TimeUnit.Second or TimeUnit.Millisecond ? 32 : 64;
    }

    /// <summary>The unit.</summary>
    public TimeUnit Unit { get; }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Time;

    /// <inheritdoc />
    public override int BitWidth => _bitWidth;

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"time{_bitWidth}[{TimeUnitName(Unit)}]");

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is TimeType t && t.Unit == Unit;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, Unit);
}
