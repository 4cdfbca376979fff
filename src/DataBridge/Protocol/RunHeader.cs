namespace DataBridge.Protocol;

/// <summary>The JSON body of a <see cref="FrameCode.RunHeader"/> frame (docs/protocol.md, section 2.3).</summary>
/// <param name="RunId">Unique per run, for logs.</param>
/// <param name="Partition">Partition index in executor mode, 0 in driver mode.</param>
/// <param name="CodeHash">SHA-256 (lowercase hex) of the UTF-8 code text.</param>
/// <param name="Code">The code text, or null when this connection already sent this hash.</param>
/// <param name="Conf">The run context: HOME, OWNER, GROUP_ID and user keys.</param>
/// <param name="MaxBatchRows">Bound on the rows of each output batch.</param>
/// <param name="MaxBatchBytes">Bound on the bytes of each output batch.</param>
/// <param name="Timezone">The time zone name the code should assume.</param>
/// <param name="Extra">Further top-level entries (name → raw UTF-8 JSON value), e.g. <c>data_server</c> and
/// <c>model_server</c> of a distributed run (section 3); null for none.</param>
/// <param name="CodeName">The name tracebacks give the code (<c>code_name</c>), or null for the default.</param>
/// <param name="PandasOptions">Keyword options of the worker's Arrow → pandas conversion (<c>pandas_options</c>,
/// e.g. <c>decimals</c>), or null for the defaults.</param>
internal sealed record RunHeader(
    string RunId,
    int Partition,
    string CodeHash,
    string? Code,
    IReadOnlyDictionary<string, string> Conf,
    int MaxBatchRows,
    long MaxBatchBytes,
    string Timezone,
    IReadOnlyDictionary<string, string>? Extra = null,
    string? CodeName = null,
    IReadOnlyDictionary<string, string>? PandasOptions = null);
