namespace DataBridge;

/// <summary>
/// Names under which DataBridge publishes telemetry. Subscribe with a <c>MeterListener</c> /
/// OpenTelemetry's <c>AddMeter(DataBridgeDiagnostics.MeterName)</c> and an <c>ActivityListener</c> /
/// <c>AddSource(DataBridgeDiagnostics.ActivitySourceName)</c>. The instruments are listed in
/// <c>docs/observability.md</c>.
/// </summary>
public static class DataBridgeDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name: <c>DataBridge</c>.</summary>
    public const string MeterName = "DataBridge";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: <c>DataBridge</c>.</summary>
    public const string ActivitySourceName = "DataBridge";
}
