namespace DataBridge.Arrow.Types;

/// <summary>The type whose every value is null.</summary>
public sealed class NullType : ArrowType
{
    /// <summary>The single instance.</summary>
    public static readonly NullType Default = new();

    private NullType()
    {
    }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Null;

    /// <inheritdoc />
    public override string Name => "null";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is NullType;

    /// <inheritdoc />
    public override int GetHashCode() => (int)TypeId;
}
