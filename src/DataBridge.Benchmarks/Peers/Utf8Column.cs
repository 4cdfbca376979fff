namespace DataBridge.Benchmarks.Peers;

/// <summary>A string column as .NET arrays in Arrow's layout: one UTF-8 buffer and <c>rows + 1</c> int32 offsets into it.</summary>
internal sealed record Utf8Column(byte[] Data, int[] Offsets)
{
    public int Length => Offsets.Length - 1;

    public string GetString(int row) => System.Text.Encoding.UTF8.GetString(Data, Offsets[row], Offsets[row + 1] - Offsets[row]);
}
