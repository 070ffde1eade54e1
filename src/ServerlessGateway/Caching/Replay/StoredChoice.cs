using System.Text.Json;

namespace ServerlessGateway.Caching.Replay;

/// <summary>One choice of a stored chat.completion, read out for a replay.</summary>
/// <param name="Annotations">The message's annotations array, when it has a non-empty one.</param>
/// <param name="Logprobs">The choice's logprobs object, when it has one.</param>
internal sealed record StoredChoice(
    int Index, string? Content, string? Refusal, string? Reasoning, List<StoredToolCall> ToolCalls, JsonElement? Annotations, JsonElement? Logprobs, string FinishReason)
{
    public static StoredChoice? Read(JsonElement choice)
    {
        if (choice.ValueKind != JsonValueKind.Object
            || !choice.TryGetProperty("index", out var indexElement) || !indexElement.TryGetInt32(out var index)
            || StoredCompletion.String(choice, "finish_reason") is not { } finishReason
            || !choice.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object
            || !StoredCompletion.Optional(choice, "logprobs", JsonValueKind.Object, out var logprobs)
            || !StoredCompletion.Optional(message, "content", JsonValueKind.String, out _)
            || !StoredCompletion.Optional(message, "refusal", JsonValueKind.String, out _)
            || !StoredCompletion.Optional(message, "reasoning_content", JsonValueKind.String, out _)
            || !StoredCompletion.Optional(message, "annotations", JsonValueKind.Array, out var annotations)
            || !StoredCompletion.Optional(message, "tool_calls", JsonValueKind.Array, out var toolCallArray)
            || !Absent(message, "function_call") || !Absent(message, "audio")
            || (logprobs is { } probs && (!StoredCompletion.Optional(probs, "content", JsonValueKind.Array, out _) || !StoredCompletion.Optional(probs, "refusal", JsonValueKind.Array, out _))))
        {
            return null;
        }

        var toolCalls = new List<StoredToolCall>();
        if (toolCallArray is { } array)
        {
            foreach (var element in array.EnumerateArray())
            {
                if (StoredToolCall.Read(element) is not { } call)
                {
                    return null;
                }

                toolCalls.Add(call);
            }
        }

        return new StoredChoice(
            index,
            StoredCompletion.String(message, "content"),
            StoredCompletion.String(message, "refusal"),
            StoredCompletion.String(message, "reasoning_content"),
            toolCalls,
            annotations?.GetArrayLength() > 0 ? annotations : null,
            logprobs,
            finishReason);
    }

    private static bool Absent(JsonElement parent, string name) => !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null;
}

/// <summary>A stored function tool call.</summary>
internal sealed record StoredToolCall(string Id, string Name, string Arguments)
{
    public static StoredToolCall? Read(JsonElement call)
    {
        if (call.ValueKind != JsonValueKind.Object
            || StoredCompletion.String(call, "type") is not (null or "function")
            || StoredCompletion.String(call, "id") is not { } id
            || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
            || StoredCompletion.String(function, "name") is not { } name)
        {
            return null;
        }

        return new StoredToolCall(id, name, StoredCompletion.String(function, "arguments") ?? "");
    }
}
