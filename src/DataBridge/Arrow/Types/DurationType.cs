namespace DataBridge.Arrow.Types;

/// <summary>An int64 elapsed time in <see cref="Unit"/>.</summary>
public sealed class DurationType : ArrowType
{
    /// <summary>Creates the type.</summary>
    public DurationType(TimeUnit unit) => Unit = unit;

    /// <summary>The unit.</summary>
    public TimeUnit Unit { get; }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Duration;

    /// <inheritdoc />
    public override int BitWidth => 64;

    /// <inheritdoc />
    public override string Name => $"duration[{TimeUnitName(Unit)}]";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is DurationType t && t.Unit == Unit;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, Unit);
}
