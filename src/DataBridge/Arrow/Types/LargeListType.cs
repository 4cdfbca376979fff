namespace DataBridge.Arrow.Types;

/// <summary>Variable-size lists with 64-bit offsets.</summary>
public sealed class LargeListType : ArrowType
{
    /// <summary>Creates the type from its value field.</summary>
    public LargeListType(Field valueField) => ValueField = valueField ?? throw new ArgumentNullException(nameof(valueField));

    /// <summary>Creates the type with a nullable value field named <c>item</c>.</summary>
    public LargeListType(ArrowType valueType)
        : this(new Field("item", valueType, true))
    {
    }

    /// <summary>The field describing the values.</summary>
    public Field ValueField { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Field> Children => [ValueField];

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.LargeList;

    /// <inheritdoc />
    public override string Name => $"large_list<{ValueField}>";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is LargeListType t && t.ValueField.Equals(ValueField);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, ValueField);
}
