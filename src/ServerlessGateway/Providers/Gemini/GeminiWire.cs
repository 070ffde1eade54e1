using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessGateway.Providers.Gemini;

// Gemini's answer (a GenerateContentResponse, also each event of a stream) and error body, as far as the
// gateway reads them. Fields it does not use (safety ratings, citations, logprobs) are not declared.

internal sealed record GenerateContentResponse(
    List<Candidate>? Candidates,
    PromptFeedback? PromptFeedback,
    UsageMetadata? UsageMetadata,
    string? ModelVersion,
    string? ResponseId,
    GeminiError? Error);

internal sealed record Candidate(GeminiContent? Content, string? FinishReason, string? FinishMessage, int? Index);

internal sealed record GeminiContent(List<Part>? Parts, string? Role);

internal sealed record Part(string? Text, bool? Thought, string? ThoughtSignature, FunctionCall? FunctionCall);

/// <summary>A function call; gemini-3.x on Vertex may stream one over several parts (PartialArgs, WillContinue).</summary>
internal sealed record FunctionCall(string? Id, string? Name, JsonElement? Args, List<PartialArg>? PartialArgs, bool? WillContinue);

/// <summary>One piece of a streamed argument: the value at JsonPath (strings arrive in pieces).</summary>
internal sealed record PartialArg(string? JsonPath, string? StringValue, JsonElement? NumberValue, bool? BoolValue, JsonElement? NullValue, bool? WillContinue);

internal sealed record PromptFeedback(string? BlockReason, string? BlockReasonMessage);

internal sealed record UsageMetadata(
    long? PromptTokenCount,
    long? CachedContentTokenCount,
    long? CandidatesTokenCount,
    long? ToolUsePromptTokenCount,
    long? ThoughtsTokenCount,
    long? TotalTokenCount);

internal sealed record GeminiErrorBody(GeminiError? Error);

/// <summary>google.rpc.Status: the HTTP-like code, the message, the canonical status name and typed details.</summary>
internal sealed record GeminiError(int? Code, string? Message, string? Status, List<ErrorDetail>? Details);

internal sealed record ErrorDetail([property: JsonPropertyName("@type")] string? Type, string? Reason, string? RetryDelay);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(GenerateContentResponse))]
[JsonSerializable(typeof(GeminiErrorBody))]
internal sealed partial class GeminiJsonContext : JsonSerializerContext;
