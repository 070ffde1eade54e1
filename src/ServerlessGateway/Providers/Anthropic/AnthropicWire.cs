using System.Text.Json;
using System.Text.Json.Serialization;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Providers.Anthropic;

// Anthropic's Messages API answers, stream events and errors: only the fields the gateway reads.
// Unknown fields are ignored, so new ones Anthropic adds do not break anything.

/// <summary>A complete message (the non-streamed answer, and "message" in message_start).</summary>
public sealed class AnthropicMessage
{
    public string? Id { get; init; }

    public string? Model { get; init; }

    public IReadOnlyList<AnthropicContentBlock>? Content { get; init; }

    public string? StopReason { get; init; }

    public AnthropicUsage? Usage { get; init; }
}

/// <summary>One block of a message: text, tool_use, thinking (others are not read).</summary>
public sealed class AnthropicContentBlock
{
    public string? Type { get; init; }

    public string? Text { get; init; }

    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary>A tool_use block's arguments, as the JSON object Anthropic sent.</summary>
    public JsonElement? Input { get; init; }

    public string? Thinking { get; init; }
}

/// <summary>One stream event; which fields are set depends on <see cref="Type"/>.</summary>
public sealed class AnthropicStreamEvent
{
    public string? Type { get; init; }

    /// <summary>The content block an event is about (content_block_start/delta/stop).</summary>
    public int? Index { get; init; }

    public AnthropicMessage? Message { get; init; }

    public AnthropicContentBlock? ContentBlock { get; init; }

    public AnthropicDelta? Delta { get; init; }

    public AnthropicUsage? Usage { get; init; }

    public AnthropicErrorDetail? Error { get; init; }
}

/// <summary>A content_block_delta's delta (text_delta, input_json_delta, thinking_delta), or a message_delta's.</summary>
public sealed class AnthropicDelta
{
    public string? Type { get; init; }

    public string? Text { get; init; }

    public string? PartialJson { get; init; }

    public string? Thinking { get; init; }

    public string? StopReason { get; init; }
}

/// <summary>
/// Token counts. In a stream, message_start carries the input counts and message_delta the
/// cumulative output count (and, from recent API versions, the input counts again); any field a
/// later event sends replaces the earlier value.
/// </summary>
public sealed class AnthropicUsage
{
    public long? InputTokens { get; init; }

    public long? OutputTokens { get; init; }

    public long? CacheReadInputTokens { get; init; }

    public long? CacheCreationInputTokens { get; init; }

    public AnthropicUsage With(AnthropicUsage? later) => later is null ? this : new AnthropicUsage
    {
        InputTokens = later.InputTokens ?? InputTokens,
        OutputTokens = later.OutputTokens ?? OutputTokens,
        CacheReadInputTokens = later.CacheReadInputTokens ?? CacheReadInputTokens,
        CacheCreationInputTokens = later.CacheCreationInputTokens ?? CacheCreationInputTokens,
    };

    /// <summary>
    /// Anthropic splits the prompt into three disjoint parts: input_tokens (the part after the last
    /// cache breakpoint, neither read from nor written to the cache), cache_read_input_tokens and
    /// cache_creation_input_tokens. OpenAI's prompt_tokens is the whole prompt with cached_tokens a
    /// part of it, and so is <see cref="TokenUsage.InputTokens"/>: input = input_tokens + cache read +
    /// cache creation; cached input = cache read; cache write = cache creation. output_tokens already
    /// includes thinking (billed as output) but Anthropic does not say how much of it was thinking,
    /// so reasoning stays 0 (unknown) rather than a guess.
    /// </summary>
    public TokenUsage ToTokenUsage()
    {
        var read = CacheReadInputTokens ?? 0;
        var creation = CacheCreationInputTokens ?? 0;
        return new TokenUsage((InputTokens ?? 0) + read + creation, OutputTokens ?? 0, read, creation);
    }
}

/// <summary>{"type":"error","error":{"type","message"},"request_id"}: an error answer, or an "error" stream event.</summary>
public sealed class AnthropicErrorBody
{
    public string? Type { get; init; }

    public AnthropicErrorDetail? Error { get; init; }

    public string? RequestId { get; init; }
}

public sealed class AnthropicErrorDetail
{
    public string? Type { get; init; }

    public string? Message { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AnthropicMessage))]
[JsonSerializable(typeof(AnthropicStreamEvent))]
[JsonSerializable(typeof(AnthropicErrorBody))]
internal sealed partial class AnthropicJsonContext : JsonSerializerContext;
