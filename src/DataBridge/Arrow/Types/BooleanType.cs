namespace DataBridge.Arrow.Types;

/// <summary>Booleans, bit-packed in LSB order.</summary>
public sealed class BooleanType : ArrowType
{
    /// <summary>The single instance.</summary>
    public static readonly BooleanType Default = new();

    private BooleanType()
    {
    }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Boolean;

    /// <inheritdoc />
    public override string Name => "bool";

    /// <inheritdoc />
    public override int BitWidth => 1;

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is BooleanType;

    /// <inheritdoc />
    public override int GetHashCode() => (int)TypeId;
}
