namespace DataBridge.Arrow.Types;

/// <summary>Dates: days as int32 (date32) or milliseconds as int64 (date64) since 1970-01-01.</summary>
public sealed class DateType : ArrowType
{
    /// <summary>date32: int32 days.</summary>
    public static readonly DateType Date32 = new(DateUnit.Day);
    /// <summary>date64: int64 milliseconds.</summary>
    public static readonly DateType Date64 = new(DateUnit.Millisecond);

    private DateType(DateUnit unit) => Unit = unit;

    /// <summary>Returns the type with the given unit.</summary>
    public static DateType Get(DateUnit unit) => unit == DateUnit.Day ? Date32 : Date64;

    /// <summary>The storage unit.</summary>
    public DateUnit Unit { get; }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Date;

    /// <inheritdoc />
    public override int BitWidth => Unit == DateUnit.Day ? 32 : 64;

    /// <inheritdoc />
    public override string Name => Unit == DateUnit.Day ? "date32" : "date64";

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is DateType t && t.Unit == Unit;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, Unit);
}
