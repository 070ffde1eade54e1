using System.Text.Json.Serialization;

namespace ServerlessGateway.Contracts;

public sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("config_loaded_at")] DateTimeOffset? ConfigLoadedAt = null,
    [property: JsonPropertyName("models")] IReadOnlyList<ModelHealth>? Models = null,
    [property: JsonPropertyName("problems")] IReadOnlyList<string>? Problems = null);

public sealed record ModelHealth(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("servable")] bool Servable,
    [property: JsonPropertyName("deployments")] IReadOnlyList<string> Deployments,
    [property: JsonPropertyName("disabled_deployments")] IReadOnlyList<string> DisabledDeployments);
