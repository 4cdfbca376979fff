using System.Runtime.InteropServices;

namespace DataBridge.Arrow;

/// <summary>A day-time interval as stored by Arrow: int32 days then int32 milliseconds (8 bytes).</summary>
/// <param name="Days">Whole days.</param>
/// <param name="Milliseconds">Milliseconds in addition to the days.</param>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly record struct DayTimeInterval(int Days, int Milliseconds);
