namespace DataBridge.Arrow.Types;

/// <summary>Variable-size lists with 32-bit offsets.</summary>
public sealed class ListType : ArrowType
{
    /// <summary>Creates the type from its value field.</summary>
    public ListType(Field valueField) => ValueField = valueField ?? throw new ArgumentNullException(nameof(valueField));

    /// <summary>Creates the type with a nullable value field named <c>item</c>.</summary>
    public ListType(ArrowType valueType)
        : this(new Field("item", valueType, true))
    {
    }

    /// <summary>The field describing the values.</summary>
    public Field ValueField { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Field> Children => [ValueField];

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.List;

    /// <inheritdoc />
    public override string Name => $"list<{ValueField}>";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is ListType t && t.ValueField.Equals(ValueField);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, ValueField);
}
