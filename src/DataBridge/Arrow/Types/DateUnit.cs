namespace DataBridge.Arrow.Types;

/// <summary>Storage of date values (Schema.fbs <c>DateUnit</c>).</summary>
public enum DateUnit
{
    /// <summary>Days since the epoch as int32 (date32).</summary>
    Day = 0,
    /// <summary>Milliseconds since the epoch as int64 (date64).</summary>
    Millisecond = 1,
}
