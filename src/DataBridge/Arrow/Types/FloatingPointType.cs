namespace DataBridge.Arrow.Types;

/// <summary>IEEE 754 floating point of half, single or double precision.</summary>
public sealed class FloatingPointType : ArrowType
{
    /// <summary>float16 (<see cref="System.Half"/>).</summary>
    public static readonly FloatingPointType Float16 = new(FloatPrecision.Half);
    /// <summary>float32.</summary>
    public static readonly FloatingPointType Float32 = new(FloatPrecision.Single);
    /// <summary>float64.</summary>
    public static readonly FloatingPointType Float64 = new(FloatPrecision.Double);

    private FloatingPointType(FloatPrecision precision) => Precision = precision;

    /// <summary>Returns the type of the given precision.</summary>
    public static FloatingPointType Get(FloatPrecision precision) => precision switch
    {
        FloatPrecision.Half => Float16,
        FloatPrecision.Single => Float32,
        FloatPrecision.Double => Float64,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown floating-point precision."),
    };

    /// <summary>The precision.</summary>
    public FloatPrecision Precision { get; }

    /// <inheritdoc />
    public override ArrowTypeId TypeId => ArrowTypeId.FloatingPoint;

    /// <inheritdoc />
    public override int BitWidth => Precision switch { FloatPrecision.Half => 16, FloatPrecision.Single => 32, _ => 64 };

    /// <inheritdoc />
    public override string Name => Precision switch { FloatPrecision.Half => "float16", FloatPrecision.Single => "float32", _ => "float64" };

    /// <inheritdoc />
    public override bool Equals(ArrowType? other) => other is FloatingPointType t && t.Precision == Precision;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeId, Precision);
}
