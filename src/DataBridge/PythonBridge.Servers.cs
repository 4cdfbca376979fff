using DataBridge.Servers;

namespace DataBridge;

public sealed partial class PythonBridge
{
    // Servers started through this bridge (closed ones drop out); the bridge's disposal closes the rest.
    private readonly List<IAsyncDisposable> _servers = [];
    private readonly object _serversGate = new();

    /// <summary>
    /// Starts a <see cref="DataServer"/> serving one batch per partition, so Python processes (Dask or Ray tasks
    /// included) can fetch them with <c>data_manager_client.fetch</c> and upload results. It closes itself
    /// after <see cref="ServerOptions.ServerIdleTimeout"/> without a connection, when disposed, and when this
    /// bridge is disposed.
    /// </summary>
    /// <param name="partitions">The partitions (at least one; one schema). Keep them undisposed while served.</param>
    /// <param name="options">Server settings, or null for the defaults with this bridge's logger and clock.</param>
    public DataServer ServeData(IReadOnlyList<RecordBatch> partitions, ServerOptions? options = null)
    {
        ThrowIfDisposed();
        return Track(DataServer.Start(partitions, ServerOptionsOrDefault(options)));
    }

    /// <summary>Starts a <see cref="DataServer"/> serving partitions of any number of batches (see <see cref="ServeData(IReadOnlyList{RecordBatch}, ServerOptions?)"/>).</summary>
    /// <param name="schema">The schema of every batch (and of empty partitions).</param>
    /// <param name="partitions">The partitions, each a list of batches. Keep them undisposed while served.</param>
    /// <param name="options">Server settings, or null for the defaults with this bridge's logger and clock.</param>
    public DataServer ServeData(Schema schema, IReadOnlyList<IReadOnlyList<RecordBatch>> partitions, ServerOptions? options = null)
    {
        ThrowIfDisposed();
        return Track(DataServer.Start(schema, partitions, ServerOptionsOrDefault(options)));
    }

    /// <summary>Starts a <see cref="DataServer"/> serving the partitions of <paramref name="frame"/> (see <see cref="ServeData(IReadOnlyList{RecordBatch}, ServerOptions?)"/>).</summary>
    /// <param name="frame">The frame; partition i of the server is <c>frame.Partitions[i]</c>.</param>
    /// <param name="options">Server settings, or null for the defaults with this bridge's logger and clock.</param>
    public DataServer ServeData(ArrowFrame frame, ServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return ServeData(frame.Schema, [.. frame.Partitions.Select(p => (IReadOnlyList<RecordBatch>)[p])], options);
    }

    /// <summary>
    /// Starts a <see cref="ModelServer"/> serving a file or a directory tree, which Python downloads and
    /// verifies with <c>data_manager.fetch_model(target_dir)</c>. It closes like the data server does.
    /// </summary>
    /// <param name="path">A file or a directory.</param>
    /// <param name="options">Server settings, or null for the defaults with this bridge's logger and clock.</param>
    public ModelServer ServeModel(string path, ServerOptions? options = null)
    {
        ThrowIfDisposed();
        return Track(ModelServer.Start(path, ServerOptionsOrDefault(options)));
    }

    private ServerOptions ServerOptionsOrDefault(ServerOptions? options) =>
        options ?? new ServerOptions { Logger = _loggers.Servers, TimeProvider = _options.TimeProvider };

    private T Track<T>(T server)
        where T : IAsyncDisposable
    {
        Task completion = server switch
        {
            DataServer data => data.Completion,
            ModelServer model => model.Completion,
            _ => Task.CompletedTask,
        };
        lock (_serversGate)
        {
            _servers.Add(server);
        }

        _ = completion.ContinueWith(
            _ =>
            {
                lock (_serversGate)
                {
                    _servers.Remove(server);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return server;
    }

    private async ValueTask DisposeServersAsync()
    {
        IAsyncDisposable[] servers;
        lock (_serversGate)
        {
            servers = [.. _servers];
            _servers.Clear();
        }

        foreach (IAsyncDisposable server in servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
