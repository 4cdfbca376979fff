using Microsoft.Extensions.Logging;

namespace DataBridge.Internal;

/// <summary>
/// One logger per component of a bridge. With <see cref="PythonBridgeOptions.LoggerFactory"/> each component has
/// its own category (so levels can be set per component in configuration); without it every component logs to
/// <see cref="PythonBridgeOptions.Logger"/>.
/// </summary>
/// <param name="Daemon"><c>DataBridge.Daemon</c>: the daemon's start, end and output (events 1xx).</param>
/// <param name="Workers"><c>DataBridge.Workers</c>: workers started, reused, discarded, expired (2xx).</param>
/// <param name="Runs"><c>DataBridge.Runs</c>: runs started, ended, failed, without output; worker crashes (3xx, 202).</param>
/// <param name="Python"><c>DataBridge.Python</c>: the output of the Python code (400).</param>
/// <param name="Servers"><c>DataBridge.Servers</c>: the default logger of the bridge's data and model servers (5xx).</param>
internal sealed record BridgeLoggers(ILogger Daemon, ILogger Workers, ILogger Runs, ILogger Python, ILogger Servers)
{
    public const string DaemonCategory = "DataBridge.Daemon";
    public const string WorkersCategory = "DataBridge.Workers";
    public const string RunsCategory = "DataBridge.Runs";
    public const string PythonCategory = "DataBridge.Python";
    public const string ServersCategory = "DataBridge.Servers";

    public static BridgeLoggers From(PythonBridgeOptions options)
    {
        if (options.LoggerFactory is not { } factory)
        {
            ILogger one = options.Logger;
            return new BridgeLoggers(one, one, one, one, one);
        }

        return new BridgeLoggers(
            factory.CreateLogger(DaemonCategory),
            factory.CreateLogger(WorkersCategory),
            factory.CreateLogger(RunsCategory),
            factory.CreateLogger(PythonCategory),
            factory.CreateLogger(ServersCategory));
    }
}
