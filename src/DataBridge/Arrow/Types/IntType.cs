namespace DataBridge.Arrow.Types;

/// <summary>A signed or unsigned integer of 8, 16, 32 or 64 bits.</summary>
public sealed class IntType : ArrowType
{
    /// <summary>int8.</summary>
    public static readonly IntType Int8 = new(8, true);
    /// <summary>int16.</summary>
    public static readonly IntType Int16 = new(16, true);
    /// <summary>int32.</summary>
    public static readonly IntType Int32 = new(32, true);
    /// <summary>int64.</summary>
    public static readonly IntType Int64 = new(64, true);
    /// <summary>uint8.</summary>
    public static readonly IntType UInt8 = new(8, false);
    /// <summary>uint16.</summary>
    public static readonly IntType UInt16 = new(16, false);
    /// <summary>uint32.</summary>
    public static readonly IntType UInt32 = new(32, false);
    /// <summary>uint64.</summary>
    public static readonly IntType UInt64 = new(64, false);

    private readonly int _bitWidth;

    private IntType(int bitWidth, bool isSigned)
    {
        _bitWidth = bitWidth;
        IsSigned = isSigned;
    }

    /// <summary>Returns the integer type of the given width and signedness.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bitWidth"/> is not 8, 16, 32 or 64.</exception>
    public static IntType Get(int bitWidth, bool isSigned) => (bitWidth, isSigned) switch
    {
        (8, true) => Int8,
        (16, true) => Int16,
        (32, true) => Int32,
        (64, true) => Int64,
        (8, false) => UInt8,
        (16, false) => UInt16,
        (32, false) => UInt32,
        (64, false) => UInt64,
        _ => throw new ArgumentOutOfRangeException(nameof(bitWidth), bitWidth, "Integer bit width must be 8, 16, 32 or 64."),
    };

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.Int;

    /// <summary>Whether values are two's complement signed.</summary>
    public bool IsSigned { get; }

    /// <inheritdoc />
    public override int BitWidth => _bitWidth;

    /// <inheritdoc />
    public override string Name => (IsSigned ? "int" : "uint") + _bitWidth.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is IntType t && t._bitWidth == _bitWidth && t.IsSigned == IsSigned;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, _bitWidth, IsSigned);
}
