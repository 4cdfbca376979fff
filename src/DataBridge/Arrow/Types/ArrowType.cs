namespace DataBridge.Arrow.Types;

/// <summary>
/// The logical type of an Arrow array. Types are immutable values: two instances describing the same
/// type are <see cref="Equals(ArrowType?)">equal</see>.
/// </summary>
public abstract class ArrowType : IEquatable<ArrowType>
{
    private protected ArrowType()
    {
    }

    /// <summary>The type's identifier.</summary>
    public abstract ArrowTypeId TypeId { get; }

    /// <summary>A short readable name, e.g. <c>int64</c>, <c>timestamp[us, UTC]</c>, <c>list&lt;item: utf8&gt;</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Child fields of nested types (list, struct, map, union); empty for others.</summary>
    public virtual IReadOnlyList<Field> Children => [];

    /// <summary>Bits per value for fixed-width types (bool = 1); 0 for variable-width and nested types.</summary>
    public virtual int BitWidth => 0;

    /// <inheritdoc />
    public abstract bool Equals(ArrowType? other);

    /// <inheritdoc />
    public sealed override bool Equals(object? obj) => obj is ArrowType t && Equals(t);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Name;

    internal static bool ChildrenEqual(IReadOnlyList<Field> a, IReadOnlyList<Field> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    internal static string TimeUnitName(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => "s",
        TimeUnit.Millisecond => "ms",
        TimeUnit.Microsecond => "us",
        _ => "ns",
    };
}
