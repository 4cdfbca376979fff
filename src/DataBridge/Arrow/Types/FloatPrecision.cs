namespace DataBridge.Arrow.Types;

/// <summary>Precision of floating-point values (Schema.fbs <c>Precision</c>).</summary>
public enum FloatPrecision
{
    /// <summary>16-bit IEEE 754 (<see cref="System.Half"/>).</summary>
    Half = 0,
    /// <summary>32-bit IEEE 754 (<see cref="float"/>).</summary>
    Single = 1,
    /// <summary>64-bit IEEE 754 (<see cref="double"/>).</summary>
    Double = 2,
}
