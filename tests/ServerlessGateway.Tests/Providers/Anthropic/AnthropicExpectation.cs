using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Conformance;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>
/// What a recorded Anthropic answer says, read by the test itself (independently of the gateway's
/// translation): the text, each tool call's id, name and arguments, the stop reason and the usage in
/// OpenAI's arithmetic (prompt = input + cache read + cache write).
/// </summary>
internal sealed record AnthropicExpectation(string Text, IReadOnlyList<(string Id, string Name, string Arguments)> ToolCalls, string? StopReason, long PromptTokens, long CompletionTokens, long CachedTokens)
{
    public string FinishReason => StopReason switch
    {
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop",
    };

    public static AnthropicExpectation FromMessage(byte[] body)
    {
        var message = JsonNode.Parse(body)!;
        var text = new StringBuilder();
        var calls = new List<(string, string, string)>();
        foreach (var block in message["content"]!.AsArray())
        {
            switch (block!["type"]!.GetValue<string>())
            {
                case "text":
                    text.Append(block["text"]!.GetValue<string>());
                    break;
                case "tool_use":
                    calls.Add((block["id"]!.GetValue<string>(), block["name"]!.GetValue<string>(), block["input"]!.ToJsonString()));
                    break;
            }
        }

        var (prompt, output, cached) = Usage(message["usage"], null);
        return new AnthropicExpectation(text.ToString(), calls, message["stop_reason"]?.GetValue<string>(), prompt, output, cached);
    }

    public static AnthropicExpectation FromStream(byte[] body)
    {
        var text = new StringBuilder();
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)>();
        JsonNode? startUsage = null, finalUsage = null;
        string? stopReason = null;
        foreach (var payload in SseTranscript.Payloads(Encoding.UTF8.GetString(body)))
        {
            var data = JsonNode.Parse(payload)!;
            switch (data["type"]!.GetValue<string>())
            {
                case "message_start":
                    startUsage = data["message"]!["usage"];
                    break;
                case "content_block_start" when data["content_block"]!["type"]!.GetValue<string>() == "tool_use":
                    calls[data["index"]!.GetValue<int>()] = (data["content_block"]!["id"]!.GetValue<string>(), data["content_block"]!["name"]!.GetValue<string>(), new StringBuilder());
                    break;
                case "content_block_delta":
                    var delta = data["delta"]!;
                    if (delta["type"]!.GetValue<string>() == "text_delta")
                    {
                        text.Append(delta["text"]!.GetValue<string>());
                    }
                    else if (delta["type"]!.GetValue<string>() == "input_json_delta")
                    {
                        calls[data["index"]!.GetValue<int>()].Arguments.Append(delta["partial_json"]!.GetValue<string>());
                    }

                    break;
                case "message_delta":
                    stopReason = data["delta"]?["stop_reason"]?.GetValue<string>();
                    finalUsage = data["usage"];
                    break;
            }
        }

        var (prompt, output, cached) = Usage(startUsage, finalUsage);
        var toolCalls = calls.Values.Select(c => (c.Id, c.Name, c.Arguments.Length == 0 ? "{}" : c.Arguments.ToString())).ToList();
        return new AnthropicExpectation(text.ToString(), toolCalls, stopReason, prompt, output, cached);
    }

    /// <summary>Each count from the last event that has it.</summary>
    private static (long Prompt, long Output, long Cached) Usage(JsonNode? first, JsonNode? last)
    {
        long Count(string name) => (last?[name] ?? first?[name])?.GetValue<long>() ?? 0;
        var cached = Count("cache_read_input_tokens");
        return (Count("input_tokens") + cached + Count("cache_creation_input_tokens"), Count("output_tokens"), cached);
    }
}
