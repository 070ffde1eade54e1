using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// The parts of an OpenAI chat completion (or one stream chunk) an Anthropic answer is made of. Usage is
/// read separately by <see cref="Accounting.OpenAIUsageReader"/>, the one place that normalises it.
/// </summary>
/// <param name="Error">An error an OpenAI-format upstream sends in place of a chunk, mid-stream.</param>
internal sealed record OpenAICompletion(string? Id, string? Model, IReadOnlyList<OpenAIChoice>? Choices, OpenAIErrorDetail? Error = null)
{
    /// <summary>The choice Anthropic's single answer is made of: index 0 (the others have no place, n = 1).</summary>
    public OpenAIChoice? FirstChoice
    {
        get
        {
            foreach (var choice in Choices ?? [])
            {
                if (choice.Index == 0)
                {
                    return choice;
                }
            }

            return null;
        }
    }
}

internal sealed record OpenAIErrorDetail(string? Message, string? Type);

/// <param name="Message">A complete answer's message.</param>
/// <param name="Delta">A stream chunk's increment.</param>
internal sealed record OpenAIChoice(int Index, OpenAIMessage? Message, OpenAIMessage? Delta, string? FinishReason);

/// <param name="Content">A string (OpenAI), or text parts (some compatible servers).</param>
/// <param name="ReasoningContent">Reasoning text as DeepSeek and vLLM name it.</param>
/// <param name="Reasoning">Reasoning text as Ollama and OpenRouter name it.</param>
internal sealed record OpenAIMessage(JsonElement Content, string? Refusal, string? ReasoningContent, string? Reasoning, IReadOnlyList<OpenAIToolCall>? ToolCalls)
{
    public string? Text => Content.ValueKind switch
    {
        JsonValueKind.String => Content.GetString(),
        JsonValueKind.Array => string.Concat(Content.EnumerateArray()
            .Where(part => part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            .Select(part => part.GetProperty("text").GetString())),
        _ => null,
    };

    public string? ReasoningText => ReasoningContent ?? Reasoning;
}

/// <param name="Index">Which call a stream delta belongs to (absent in complete answers).</param>
internal sealed record OpenAIToolCall(int? Index, string? Id, OpenAIFunctionCall? Function);

/// <param name="Arguments">A JSON string (OpenAI); some compatible servers send the object itself.</param>
internal sealed record OpenAIFunctionCall(string? Name, JsonElement Arguments)
{
    public string? ArgumentsText => Arguments.ValueKind switch
    {
        JsonValueKind.String => Arguments.GetString(),
        JsonValueKind.Object or JsonValueKind.Array => Arguments.GetRawText(),
        _ => null,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(OpenAICompletion))]
internal sealed partial class OpenAIAnswerJsonContext : JsonSerializerContext;
