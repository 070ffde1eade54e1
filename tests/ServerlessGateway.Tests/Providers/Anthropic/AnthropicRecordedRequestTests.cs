using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Conformance;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>
/// The requests real Anthropic clients sent (recorded with their answers in ../shared), said the
/// OpenAI way, must reach Anthropic as they were recorded: the test turns each recorded Anthropic
/// request into the OpenAI request a caller would send for it, and compares what the gateway sends.
/// Differences that are the translation's documented choices are normalised on the recorded side
/// first: string content is a text block, consecutive turns of one role are merged, and fields an
/// answer echoes back into the next request (tool_use "caller", null cache_control) are dropped.
/// </summary>
public sealed class AnthropicRecordedRequestTests(AnthropicReplayGateway replay) : IClassFixture<AnthropicReplayGateway>
{
    /// <summary>Top-level fields an OpenAI request can express; a recording with others asked for something said differently (output_config).</summary>
    private static readonly HashSet<string> Expressible = ["model", "max_tokens", "messages", "system", "tools", "tool_choice", "stream", "temperature", "top_p", "stop_sequences"];

    public static IEnumerable<TheoryDataRow<string>> Requests() => AnthropicRecordings.Rows(e => e.Request is not null && Inexpressible(e) is null);

    /// <summary>
    /// Recordings left out, so none is dropped unnoticed: the ones whose request uses Anthropic's own
    /// structured output (output_config), which the gateway says with its answer tool instead (that
    /// mapping has its golden test, json-schema-array-root-wrapped).
    /// </summary>
    [Fact]
    public void Only_requests_using_Anthropics_own_structured_output_are_left_out()
    {
        SharedMaterial.SkipIfAbsent();

        var left = AnthropicRecordings.All().Where(e => e.Request is not null && Inexpressible(e) is not null).ToList();

        Assert.All(left, e => Assert.Equal("output_config", Inexpressible(e)));
        Assert.True(AnthropicRecordings.All().Count(e => e.Request is not null) - left.Count >= 10);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Recorded_request_said_the_OpenAI_way_reaches_Anthropic_as_recorded(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = AnthropicRecordings.Get(id);
        var recorded = recording.Request!.AsObject();

        var output = await replay.ReplayAsync(AsOpenAI(recorded).ToJsonString(), recording);

        var sent = JsonNode.Parse(Assert.Single(output.UpstreamRequests).Body)!.AsObject();
        var expected = Normalised(recorded);
        expected["model"] = AnthropicReplayGateway.UpstreamModel;
        Golden.AssertJsonEqual(expected, sent, id);
    }

    /// <summary>The first top-level field of the recorded request that an OpenAI request cannot express, if any.</summary>
    private static string? Inexpressible(AnthropicRecordings.Exchange exchange) =>
        exchange.Request!.AsObject().Select(p => p.Key).FirstOrDefault(k => !Expressible.Contains(k));

    /// <summary>The OpenAI request a caller would send to get <paramref name="anthropic"/>.</summary>
    private static JsonObject AsOpenAI(JsonObject anthropic)
    {
        var messages = new JsonArray();
        if (anthropic["system"] is { } system)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = system is JsonArray blocks ? TextParts(blocks) : system.DeepClone() });
        }

        foreach (var message in anthropic["messages"]!.AsArray())
        {
            var role = message!["role"]!.GetValue<string>();
            if (message["content"] is not JsonArray blocks)
            {
                messages.Add(new JsonObject { ["role"] = role, ["content"] = message["content"]!.DeepClone() });
                continue;
            }

            if (role == "assistant")
            {
                var text = string.Concat(blocks.Where(b => b!["type"]!.GetValue<string>() == "text").Select(b => b!["text"]!.GetValue<string>()));
                var calls = new JsonArray([.. blocks.Where(b => b!["type"]!.GetValue<string>() == "tool_use").Select(b => (JsonNode)new JsonObject
                {
                    ["id"] = b!["id"]!.GetValue<string>(),
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = b["name"]!.GetValue<string>(), ["arguments"] = b["input"]!.ToJsonString() },
                })]);
                var assistant = new JsonObject { ["role"] = "assistant", ["content"] = text.Length > 0 ? text : null };
                if (calls.Count > 0)
                {
                    assistant["tool_calls"] = calls;
                }

                messages.Add(assistant);
                continue;
            }

            foreach (var block in blocks)
            {
                if (block!["type"]!.GetValue<string>() == "tool_result")
                {
                    var tool = new JsonObject { ["role"] = "tool", ["tool_call_id"] = block["tool_use_id"]!.GetValue<string>(), ["content"] = block["content"] is JsonArray parts ? TextParts(parts) : block["content"]!.DeepClone() };
                    CopyCacheControl(block, tool);
                    messages.Add(tool);
                }
                else
                {
                    messages.Add(new JsonObject { ["role"] = "user", ["content"] = TextParts([block.DeepClone()]) });
                }
            }
        }

        var openAI = new JsonObject { ["model"] = AnthropicReplayGateway.Model, ["messages"] = messages, ["max_tokens"] = anthropic["max_tokens"]!.DeepClone() };
        if (anthropic["tools"] is JsonArray tools)
        {
            openAI["tools"] = new JsonArray([.. tools.Select(t =>
            {
                var function = new JsonObject { ["name"] = t!["name"]!.DeepClone(), ["parameters"] = t["input_schema"]!.DeepClone() };
                if (t["description"] is { } description)
                {
                    function["description"] = description.DeepClone();
                }

                var tool = new JsonObject { ["type"] = "function", ["function"] = function };
                CopyCacheControl(t, tool);
                return (JsonNode)tool;
            })]);
        }

        foreach (var field in new[] { "stream", "temperature", "top_p" })
        {
            if (anthropic[field] is { } value)
            {
                openAI[field] = value.DeepClone();
            }
        }

        return openAI;
    }

    private static JsonArray TextParts(JsonArray blocks) => new([.. blocks.Select(b =>
    {
        var part = new JsonObject { ["type"] = "text", ["text"] = b!["text"]!.DeepClone() };
        CopyCacheControl(b, part);
        return (JsonNode)part;
    })]);

    private static void CopyCacheControl(JsonNode from, JsonObject to)
    {
        if (from["cache_control"] is JsonObject cacheControl)
        {
            to["cache_control"] = cacheControl.DeepClone();
        }
    }

    /// <summary>The recorded request in the form the translation writes (see the class summary).</summary>
    private static JsonObject Normalised(JsonObject recorded)
    {
        var result = recorded.DeepClone().AsObject();
        if (result["system"] is JsonValue system)
        {
            result["system"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = system.DeepClone() });
        }

        var merged = new JsonArray();
        foreach (var message in result["messages"]!.AsArray())
        {
            var content = message!["content"] is JsonArray blocks
                ? blocks.Select(b => b!.DeepClone()).ToList()
                : [new JsonObject { ["type"] = "text", ["text"] = message["content"]!.DeepClone() }];
            foreach (var block in content.OfType<JsonObject>())
            {
                block.Remove("caller");
                if (block.ContainsKey("cache_control") && block["cache_control"] is null)
                {
                    block.Remove("cache_control");
                }
            }

            var role = message["role"]!.GetValue<string>();
            if (merged.Count > 0 && merged[^1]!["role"]!.GetValue<string>() == role)
            {
                content.ForEach(merged[^1]!["content"]!.AsArray().Add);
            }
            else
            {
                merged.Add(new JsonObject { ["role"] = role, ["content"] = new JsonArray([.. content]) });
            }
        }

        result["messages"] = merged;
        return result;
    }
}
