namespace DataBridge.Arrow.Types;

/// <summary>Resolution of time, timestamp and duration values (Schema.fbs <c>TimeUnit</c>).</summary>
public enum TimeUnit
{
    /// <summary>Seconds.</summary>
    Second = 0,
    /// <summary>Milliseconds.</summary>
    Millisecond = 1,
    /// <summary>Microseconds.</summary>
    Microsecond = 2,
    /// <summary>Nanoseconds.</summary>
    Nanosecond = 3,
}
