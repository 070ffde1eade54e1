using System.Text.Json.Serialization;

namespace ServerlessGateway.Contracts;

/// <summary>The body of every error the gateway returns: {"error":{"message","type","param","code"}}.</summary>
public sealed record ErrorResponse([property: JsonPropertyName("error")] ErrorBody Error);

public sealed record ErrorBody(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);
