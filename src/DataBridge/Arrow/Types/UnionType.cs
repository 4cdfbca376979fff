using System.Globalization;

namespace DataBridge.Arrow.Types;

/// <summary>A sparse or dense union of child fields, each selected by an int8 type id.</summary>
public sealed class UnionType : ArrowType
{
    private readonly Field[] _fields;
    private readonly int[] _typeIds;

    /// <summary>Creates the type.</summary>
    /// <param name="fields">The children.</param>
    /// <param name="mode">Sparse or dense.</param>
    /// <param name="typeIds">The type id of each child (0..127, distinct); null means 0..n-1.</param>
    public UnionType(IEnumerable<Field> fields, UnionMode mode, IEnumerable<int>? typeIds = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = [.. fields];
        _typeIds = typeIds is null ? [.. Enumerable.Range(0, _fields.Length)] : [.. typeIds];
        if (_typeIds.Length != _fields.Length)
        {
            throw new ArgumentException("A union needs one type id per child.", nameof(typeIds));
        }

        if (_typeIds.Any(id => id is < 0 or > 127) || _typeIds.Distinct().Count() != _typeIds.Length)
        {
            throw new ArgumentException("Union type ids must be distinct and within 0..127.", nameof(typeIds));
        }

        Mode = mode;
    }

    /// <summary>Sparse or dense.</summary>
    public UnionMode Mode { get; }

    /// <summary>The children.</summary>
    public IReadOnlyList<Field> Fields => _fields;

    /// <summary>The type id of each child, in child order.</summary>
    public IReadOnlyList<int> TypeIds => _typeIds;

    /// <summary>The child index for a type id, or -1 if no child has it.</summary>
    public int ChildIndex(int typeId) => Array.IndexOf(_typeIds, typeId);

    /// <inheritdoc />
    public override IReadOnlyList<Field> Children => _fields;

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Union;

    /// <inheritdoc />
    public override string Name => string.Create(
        CultureInfo.InvariantCulture,
        $"{(Mode == UnionMode.Sparse ? "sparse" : "dense")}_union<{string.Join(", ", _fields.Select((f, i) => $"{f}={_typeIds[i]}"))}>");

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) =>
        other is UnionType t && t.Mode == Mode && t._typeIds.AsSpan().SequenceEqual(_typeIds) && ChildrenEqual(t._fields, _fields);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, Mode, _fields.Length);
}
