using System.Globalization;

namespace DataBridge.Arrow.Types;

/// <summary>Lists of exactly <see cref="ListSize"/> values each.</summary>
public sealed class FixedSizeListType : ArrowType
{
    /// <summary>Creates the type.</summary>
    public FixedSizeListType(Field valueField, int listSize)
    {
        ValueField = valueField ?? throw new ArgumentNullException(nameof(valueField));
        ArgumentOutOfRangeException.ThrowIfNegative(listSize);
        ListSize = listSize;
    }

    /// <summary>Creates the type with a nullable value field named <c>item</c>.</summary>
    public FixedSizeListType(ArrowType valueType, int listSize)
        : this(new Field("item", valueType, true), listSize)
    {
    }

    /// <summary>The field describing the values.</summary>
    public Field ValueField { get; }

    /// <summary>Values per list.</summary>
    public int ListSize { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Field> Children => [ValueField];

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.FixedSizeList;

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"fixed_size_list<{ValueField}>[{ListSize}]");

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is FixedSizeListType t && t.ListSize == ListSize && t.ValueField.Equals(ValueField);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, ValueField, ListSize);
}
