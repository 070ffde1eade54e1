using System.Text.Json.Serialization;

namespace ServerlessGateway.Contracts;

/// <summary>Source-generated serialisers for everything the gateway writes itself (no reflection at run time).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = false)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(string))]
public sealed partial class GatewayJsonContext : JsonSerializerContext;
