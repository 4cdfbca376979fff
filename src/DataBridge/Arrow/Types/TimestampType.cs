namespace DataBridge.Arrow.Types;

/// <summary>An int64 count of <see cref="Unit"/> since the Unix epoch, with an optional time zone.</summary>
public sealed class TimestampType : ArrowType
{
    /// <summary>Creates the type.</summary>
    /// <param name="unit">The unit of the stored count.</param>
    /// <param name="timezone">An IANA name or a fixed offset like <c>+07:30</c>; null for a zone-less (wall clock) timestamp.</param>
    public TimestampType(TimeUnit unit, string? timezone = null)
    {
        Unit = unit;
        Timezone = timezone;
    }

    /// <summary>The unit.</summary>
    public TimeUnit Unit { get; }

    /// <summary>The time zone, or null.</summary>
    public string? Timezone { get; }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Timestamp;

    /// <inheritdoc />
    public override int BitWidth => 64;

    /// <inheritdoc />
    public override string Name => Timezone is null ? $"timestamp[{TimeUnitName(Unit)}]" : $"timestamp[{TimeUnitName(Unit)}, {Timezone}]";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is TimestampType t && t.Unit == Unit && string.Equals(t.Timezone, Timezone, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, Unit, Timezone);
}
