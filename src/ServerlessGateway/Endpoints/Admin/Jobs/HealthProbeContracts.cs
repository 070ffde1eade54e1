using System.Text.Json.Serialization;
using ServerlessGateway.Jobs;
using ServerlessGateway.Routing.Probes;

namespace ServerlessGateway.Endpoints.Admin.Jobs;

/// <summary>POST /admin/jobs/health-probe: one row per probed deployment.</summary>
public sealed record HealthProbeReport(string Object, IReadOnlyList<HealthProbeRow> Data)
{
    public static HealthProbeReport From(ProbeReport report) => new("list", [.. report.Results.Select(HealthProbeRow.From)]);
}

public sealed record HealthProbeRow(string Deployment, string Provider, string Model, string Kind, bool Healthy, double LatencyMs, int? Status, string? Reason)
{
    public static HealthProbeRow From(DeploymentProbe probe) => new(
        probe.Target.Deployment.Name,
        probe.Target.Deployment.Provider.Type,
        probe.Target.Model,
        probe.Target.Kind == ProbeKind.Embeddings ? "embeddings" : "chat",
        probe.Result.Healthy,
        Math.Round(probe.Result.Latency.TotalMilliseconds, 3),
        probe.Result.Status,
        probe.Result.Reason);
}

/// <summary>
/// What a custom handler answers the Functions host for a non-HTTP trigger: output bindings (none), log lines the host
/// writes to the function's log, and a return value (none).
/// </summary>
public sealed record FunctionInvocationResult(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, string> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] string? ReturnValue);

/// <summary>Source-generated, snake_case JSON for the job routes (the Functions invocation answer names its own fields).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HealthProbeReport))]
[JsonSerializable(typeof(FunctionInvocationResult))]
public sealed partial class JobJsonContext : JsonSerializerContext;
