using DataBridge.Extensions.Hosting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace DataBridge.Extensions.Hosting;

/// <summary>Further settings of the DataBridge registration made by <c>AddDataBridge</c>.</summary>
public sealed class DataBridgeBuilder
{
    internal DataBridgeBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection DataBridge is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Warms the bridge up when the host starts (an <see cref="IHostedService"/>): the daemon is started and one
    /// worker forked, so the first run does not pay for them and a missing or unusable interpreter (or one without
    /// pandas when <see cref="PythonBridgeOptions.RequirePandas"/> is set) stops the host at start, with the
    /// bridge's error naming the interpreter. The interpreter and its numpy/pandas are logged (event 100).
    /// </summary>
    /// <returns>This builder.</returns>
    public DataBridgeBuilder WarmUpOnStart()
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WarmUpService>());
        return this;
    }
}
