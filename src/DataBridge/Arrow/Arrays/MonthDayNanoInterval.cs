using System.Runtime.InteropServices;

namespace DataBridge.Arrow;

/// <summary>A month-day-nano interval as stored by Arrow: int32 months, int32 days, int64 nanoseconds (16 bytes).</summary>
/// <param name="Months">Whole months.</param>
/// <param name="Days">Whole days in addition to the months.</param>
/// <param name="Nanoseconds">Nanoseconds in addition to the months and days.</param>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct MonthDayNanoInterval(int Months, int Days, long Nanoseconds);
