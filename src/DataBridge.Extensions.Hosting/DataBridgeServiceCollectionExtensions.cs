using DataBridge.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers DataBridge in a service collection: one <see cref="DataBridge.PythonBridge"/> singleton built from
/// <see cref="DataBridge.PythonBridgeOptions"/>, which are bound from configuration when a section is given,
/// validated when the host starts, and given the container's <see cref="ILoggerFactory"/> (one logger category per
/// component). The container disposes the bridge, synchronously or asynchronously.
/// </summary>
/// <example>
/// <code>
/// builder.Services.AddDataBridge(builder.Configuration.GetSection("DataBridge")).WarmUpOnStart();
/// </code>
/// </example>
public static class DataBridgeServiceCollectionExtensions
{
    /// <summary>Registers the bridge with the default options.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder for further DataBridge settings (e.g. <see cref="DataBridgeBuilder.WarmUpOnStart"/>).</returns>
    /// <exception cref="InvalidOperationException">DataBridge is already registered in <paramref name="services"/>.</exception>
    public static DataBridgeBuilder AddDataBridge(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Register(services, null, null);
    }

    /// <summary>Registers the bridge with options set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder for further DataBridge settings (e.g. <see cref="DataBridgeBuilder.WarmUpOnStart"/>).</returns>
    /// <exception cref="InvalidOperationException">DataBridge is already registered in <paramref name="services"/>.</exception>
    public static DataBridgeBuilder AddDataBridge(this IServiceCollection services, Action<DataBridge.PythonBridgeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, null, configure);
    }

    /// <summary>
    /// Registers the bridge with options bound from <paramref name="configuration"/> (e.g.
    /// <c>builder.Configuration.GetSection("DataBridge")</c>: <c>PythonExecutable</c>, <c>MaxWorkers</c>,
    /// <c>WorkerIdleTimeout</c> as <c>00:01:00</c>, <c>Environment:OMP_NUM_THREADS</c>, ...).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding the options.</param>
    /// <returns>A builder for further DataBridge settings.</returns>
    /// <exception cref="InvalidOperationException">DataBridge is already registered in <paramref name="services"/>.</exception>
    public static DataBridgeBuilder AddDataBridge(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return Register(services, configuration, null);
    }

    /// <summary>Registers the bridge with options bound from <paramref name="configuration"/>, then set by <paramref name="configure"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding the options.</param>
    /// <param name="configure">Sets options after binding.</param>
    /// <returns>A builder for further DataBridge settings.</returns>
    /// <exception cref="InvalidOperationException">DataBridge is already registered in <paramref name="services"/>.</exception>
    public static DataBridgeBuilder AddDataBridge(this IServiceCollection services, IConfiguration configuration, Action<DataBridge.PythonBridgeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, configuration, configure);
    }

    private static DataBridgeBuilder Register(IServiceCollection services, IConfiguration? configuration, Action<DataBridge.PythonBridgeOptions>? configure)
    {
        if (services.Any(d => d.ServiceType == typeof(DataBridge.PythonBridge)))
        {
            throw new InvalidOperationException("DataBridge is already registered in this service collection (AddDataBridge was called twice).");
        }

        OptionsBuilder<DataBridge.PythonBridgeOptions> options = services.AddOptions<DataBridge.PythonBridgeOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        // Last, so that code may set its own LoggerFactory or Logger: otherwise the container's factory.
        options.PostConfigure<IServiceProvider>(static (o, provider) =>
        {
            if (o.LoggerFactory is null && o.Logger is Logging.Abstractions.NullLogger)
            {
                o.LoggerFactory = provider.GetService<ILoggerFactory>();
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DataBridge.PythonBridgeOptions>, PythonBridgeOptionsValidator>());
        options.ValidateOnStart();
        services.AddSingleton(static provider => new DataBridge.PythonBridge(provider.GetRequiredService<IOptions<DataBridge.PythonBridgeOptions>>().Value));
        return new DataBridgeBuilder(services);
    }
}
