using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Conformance;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>
/// What a client must get from a recorded Gemini answer, worked out by the test from the recording itself
/// (independently of the gateway's code): per candidate the text without thoughts, the function calls
/// (streamed arguments assembled), the OpenAI finish_reason; the last usage with counts in OpenAI's
/// arithmetic; and whether the stream ended cleanly (every candidate finished, no error, nothing but events).
/// </summary>
internal sealed class GeminiExpectation
{
    public SortedDictionary<int, ExpectedChoice> Choices { get; } = [];

    /// <summary>prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens — or null when no event carried counts.</summary>
    public (long Prompt, long Completion, long Cached, long Reasoning)? Usage { get; private set; }

    public bool Complete { get; private set; }

    public static GeminiExpectation ForAnswer(byte[] body)
    {
        var expectation = new GeminiExpectation();
        expectation.Add(JsonNode.Parse(body)!);
        foreach (var choice in expectation.Choices.Values)
        {
            choice.Finish ??= choice.Calls.Count > 0 ? "tool_calls" : "stop";
        }

        expectation.Complete = true;
        return expectation;
    }

    public static GeminiExpectation ForStream(byte[] body)
    {
        var expectation = new GeminiExpectation();
        var text = Encoding.UTF8.GetString(body);
        var clean = text.ReplaceLineEndings("\n").Split('\n').All(line => line.Trim().Length == 0 || line.StartsWith("data:", StringComparison.Ordinal));
        foreach (var payload in SseTranscript.Payloads(text))
        {
            var answer = JsonNode.Parse(payload)!;
            clean &= answer["error"] is null;
            expectation.Add(answer);
        }

        expectation.Complete = clean && expectation.Choices.Count > 0 && expectation.Choices.Values.All(c => c.Finish is not null);
        return expectation;
    }

    private void Add(JsonNode answer)
    {
        if (answer["usageMetadata"] is { } usage && usage["promptTokenCount"] is not null)
        {
            long Count(string name) => usage[name]?.GetValue<long>() ?? 0;
            Usage = (Count("promptTokenCount") + Count("toolUsePromptTokenCount"), Count("candidatesTokenCount") + Count("thoughtsTokenCount"),
                Count("cachedContentTokenCount"), Count("thoughtsTokenCount"));
        }

        var candidates = answer["candidates"] as JsonArray ?? [];
        if (candidates.Count == 0 && answer["promptFeedback"]?["blockReason"] is not null)
        {
            Choices[0] = new ExpectedChoice { Finish = "content_filter", Refused = true };
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i]!;
            var index = candidate["index"]?.GetValue<int>() ?? i;
            if (!Choices.TryGetValue(index, out var choice))
            {
                Choices[index] = choice = new ExpectedChoice();
            }

            foreach (var part in candidate["content"]?["parts"] as JsonArray ?? [])
            {
                if (part!["text"] is { } partText && part["thought"]?.GetValue<bool>() != true)
                {
                    choice.Text.Append(partText.GetValue<string>());
                }

                if (part["functionCall"] is JsonObject call)
                {
                    choice.AddCallPart(call);
                }
            }

            if (candidate["finishReason"]?.GetValue<string>() is { } reason)
            {
                choice.Finish = reason switch
                {
                    "MAX_TOKENS" => "length",
                    "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" => "content_filter",
                    _ => choice.Calls.Count > 0 ? "tool_calls" : "stop",
                };
                choice.Refused = choice.Finish == "content_filter";
            }
        }
    }
}

internal sealed class ExpectedChoice
{
    private JsonObject? streaming;

    public StringBuilder Text { get; } = new();

    public List<(string Name, JsonNode Arguments)> Calls { get; } = [];

    public string? Finish { get; set; }

    /// <summary>A content_filter end: the choice carries the reason as its refusal.</summary>
    public bool Refused { get; set; }

    /// <summary>A whole call, or a piece of one streamed with willContinue (string values under top-level keys).</summary>
    public void AddCallPart(JsonObject call)
    {
        var continues = call["willContinue"]?.GetValue<bool>() == true;
        if (call["name"] is { } name && !continues && call["partialArgs"] is null)
        {
            Calls.Add((name.GetValue<string>(), call["args"]?.DeepClone() ?? new JsonObject()));
            return;
        }

        if (call["name"] is { } streamedName)
        {
            streaming = new JsonObject { ["name"] = streamedName.GetValue<string>(), ["args"] = new JsonObject() };
        }

        foreach (var piece in call["partialArgs"] as JsonArray ?? [])
        {
            var key = piece!["jsonPath"]!.GetValue<string>();
            Assert.Matches(@"^\$\.\w+$", key); // all the recordings need; anything deeper would need a fuller reading here
            var args = streaming!["args"]!.AsObject();
            args[key[2..]] = (args[key[2..]]?.GetValue<string>() ?? "") + piece["stringValue"]!.GetValue<string>();
        }

        if (!continues && streaming is not null)
        {
            Calls.Add((streaming["name"]!.GetValue<string>(), streaming["args"]!.DeepClone()));
            streaming = null;
        }
    }
}
