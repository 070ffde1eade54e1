using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace ServerlessGateway.Configuration;

/// <summary>
/// Holds the current <see cref="GatewaySnapshot"/>. At startup an invalid document stops the app with
/// every error listed; later, when the file changes, a valid document replaces the snapshot and an
/// invalid one is rejected and logged while the previous snapshot keeps serving.
/// </summary>
public sealed partial class GatewayConfigStore : IDisposable
{
    private readonly IConfiguration configuration;
    private readonly GatewaySnapshotBuilder builder;
    private readonly ILogger<GatewayConfigStore> logger;
    private readonly IDisposable reloadSubscription;
    private GatewaySnapshot current;

    public GatewayConfigStore(IConfiguration configuration, GatewaySnapshotBuilder builder, ILogger<GatewayConfigStore> logger)
    {
        this.configuration = configuration;
        this.builder = builder;
        this.logger = logger;
        var result = Build();
        current = result.Snapshot ?? throw new GatewayConfigurationException(result.Errors);
        LogProblems(current);
        reloadSubscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public GatewaySnapshot Current => Volatile.Read(ref current);

    /// <summary>Raised after a new snapshot is in place.</summary>
    public event Action<GatewaySnapshot>? Changed;

    public void Dispose() => reloadSubscription.Dispose();

    private SnapshotResult Build()
    {
        var options = new GatewayOptions();
        try
        {
            configuration.GetSection(GatewayOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            return new SnapshotResult(null, [ex.Message]);
        }

        return builder.Build(options);
    }

    private void Reload()
    {
        SnapshotResult result;
        try
        {
            result = Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            result = new SnapshotResult(null, [ex.Message]);
        }

        if (result.Snapshot is null)
        {
            LogReloadRejected(logger, result.Errors.Count, string.Join(Environment.NewLine, result.Errors));
            return;
        }

        Volatile.Write(ref current, result.Snapshot);
        LogReloaded(logger, result.Snapshot.Models.Count, result.Snapshot.Keys.Count);
        LogProblems(result.Snapshot);
        Changed?.Invoke(result.Snapshot);
    }

    private void LogProblems(GatewaySnapshot snapshot)
    {
        foreach (var problem in snapshot.Problems)
        {
            LogProviderProblem(logger, problem);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Configuration change rejected ({Count} problems); the previous configuration stays in force:\n{Errors}")]
    private static partial void LogReloadRejected(ILogger logger, int count, string errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration reloaded: {Models} models, {Keys} keys")]
    private static partial void LogReloaded(ILogger logger, int models, int keys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment unavailable: {Problem}")]
    private static partial void LogProviderProblem(ILogger logger, string problem);
}

/// <summary>Thrown at startup when the configuration document is invalid; lists every problem.</summary>
public sealed class GatewayConfigurationException(IReadOnlyList<string> errors)
    : Exception("The gateway configuration is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => " - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
