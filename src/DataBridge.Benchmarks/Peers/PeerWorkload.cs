namespace DataBridge.Benchmarks.Peers;

/// <summary>The workloads of the peer benchmark (issue 15, item 6), in the order the table lists them.</summary>
public enum PeerWorkload
{
    /// <summary>10M rows × 4 float64 (<c>x0</c>–<c>x3</c>), identity round trip through pandas.</summary>
    Identity10M,

    /// <summary>1M rows × 4 int64 (<c>a</c>–<c>d</c>) + 4 float64 (<c>e</c>–<c>h</c>), <c>df["s"] = df["a"] + df["b"]</c>.</summary>
    Sum1M,

    /// <summary>1M rows × 2 utf8 (<c>s0</c>, <c>s1</c>, 8–32 ASCII characters), <c>str.upper()</c> on both.</summary>
    Upper1M,

    /// <summary>A warm call with a 1-row frame (<c>x</c> int64), identity with pandas.</summary>
    OneRow,

    /// <summary>A warm call of a script that does nothing: no input, no output.</summary>
    Nothing,
}
