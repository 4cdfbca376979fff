using Microsoft.Extensions.Hosting;

namespace DataBridge.Extensions.Hosting.Internal;

/// <summary>
/// Starts the bridge's daemon and forks one worker when the host starts (<see cref="DataBridgeBuilder.WarmUpOnStart"/>).
/// A failure stops the host's start with the bridge's own error. Stopping does nothing: the container disposes
/// the bridge.
/// </summary>
internal sealed class WarmUpService(PythonBridge bridge) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) =>
        await bridge.WarmUpAsync(cancellationToken).ConfigureAwait(false);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
