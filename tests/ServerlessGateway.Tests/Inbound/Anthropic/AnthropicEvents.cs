using System.Text;
using System.Text.Json.Nodes;

namespace ServerlessGateway.Tests.Inbound.Anthropic;

/// <summary>One Anthropic stream event: its SSE event name and its JSON data.</summary>
public sealed record AnthropicEvent(string Name, JsonNode Data)
{
    public override string ToString() => $"{Name}: {Data.ToJsonString()}";
}

/// <summary>One content block as a client ends up with it after reading a stream or a message.</summary>
public sealed record AssembledBlock(string Type, string Text, string? Id, string? Name, JsonNode? Input);

/// <summary>What a client has after reading a whole Anthropic answer.</summary>
public sealed record AssembledMessage(string Id, string Model, IReadOnlyList<AssembledBlock> Blocks, string? StopReason, JsonNode? Usage)
{
    public string Text => string.Concat(Blocks.Where(b => b.Type == "text").Select(b => b.Text));

    public IEnumerable<AssembledBlock> ToolUses => Blocks.Where(b => b.Type == "tool_use");
}

/// <summary>
/// The test side's own reading of Anthropic's wire format (independent of the gateway's code): SSE events
/// with names, the event grammar Anthropic's streams follow, and a message's required fields.
/// </summary>
public static class AnthropicEvents
{
    private static readonly string[] StopReasons = ["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal"];

    /// <summary>Every event (named, with JSON data), in order; comments are skipped.</summary>
    public static List<AnthropicEvent> Parse(string body)
    {
        var events = new List<AnthropicEvent>();
        string? name = null;
        var data = new StringBuilder();
        foreach (var line in body.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    events.Add(new AnthropicEvent(name ?? "message", JsonNode.Parse(data.ToString())!));
                }

                name = null;
                data.Clear();
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(data.Length > 0 ? "\n" : "").Append(line[6..]);
            }
        }

        return events;
    }

    /// <summary>
    /// Checks the grammar of a complete stream (message_start; blocks started in index order, deltas of the
    /// block's own kind only while it is open, each stopped; one message_delta; message_stop last; pings
    /// anywhere; every event's "type" equal to its name) and returns what a client assembles from it.
    /// </summary>
    public static AssembledMessage AssertCompleteStream(IReadOnlyList<AnthropicEvent> events)
    {
        var content = events.Where(e => e.Name != "ping").ToList();
        foreach (var e in events)
        {
            Assert.Equal(e.Name, e.Data["type"]!.GetValue<string>());
        }

        Assert.True(content.Count >= 3, string.Join("\n", events));
        Assert.Equal("message_start", content[0].Name);
        Assert.Equal("message_delta", content[^2].Name);
        Assert.Equal("message_stop", content[^1].Name);
        Assert.DoesNotContain(events, e => e.Name == "error");

        var message = content[0].Data["message"]!;
        AssertMessageEnvelope(message);
        Assert.Empty(message["content"]!.AsArray());
        Assert.Null(message["stop_reason"]);

        var blocks = new List<(string Type, StringBuilder Text, string? Id, string? Name)>();
        var open = -1;
        foreach (var e in content.Skip(1).SkipLast(2))
        {
            var index = e.Data["index"]!.GetValue<int>();
            switch (e.Name)
            {
                case "content_block_start":
                    Assert.Equal(-1, open);
                    Assert.Equal(blocks.Count, index);
                    var block = e.Data["content_block"]!;
                    var type = block["type"]!.GetValue<string>();
                    Assert.Contains(type, new[] { "text", "tool_use", "thinking" });
                    if (type == "tool_use")
                    {
                        Assert.False(string.IsNullOrEmpty(block["id"]!.GetValue<string>()));
                        Assert.NotNull(block["name"]);
                        Assert.Equal("{}", block["input"]!.ToJsonString());
                    }

                    blocks.Add((type, new StringBuilder(), block["id"]?.GetValue<string>(), block["name"]?.GetValue<string>()));
                    open = index;
                    break;
                case "content_block_delta":
                    Assert.Equal(open, index);
                    var delta = e.Data["delta"]!;
                    var (field, expected) = blocks[index].Type switch
                    {
                        "text" => ("text", "text_delta"),
                        "thinking" => ("thinking", "thinking_delta"),
                        _ => ("partial_json", "input_json_delta"),
                    };
                    Assert.Equal(expected, delta["type"]!.GetValue<string>());
                    blocks[index].Text.Append(delta[field]!.GetValue<string>());
                    break;
                case "content_block_stop":
                    Assert.Equal(open, index);
                    open = -1;
                    break;
                default:
                    Assert.Fail("unexpected event between message_start and message_delta: " + e);
                    break;
            }
        }

        Assert.Equal(-1, open);
        var final = content[^2].Data;
        var stopReason = final["delta"]!["stop_reason"]!.GetValue<string>();
        Assert.Contains(stopReason, StopReasons);
        Assert.True(final["delta"]!.AsObject().ContainsKey("stop_sequence"));
        Assert.True(final["usage"]!["output_tokens"]!.GetValue<long>() >= 0);
        return new AssembledMessage(
            message["id"]!.GetValue<string>(),
            message["model"]!.GetValue<string>(),
            blocks.Select(b => new AssembledBlock(b.Type, b.Text.ToString(), b.Id, b.Name, b.Type == "tool_use" ? ParseInput(b.Text.ToString()) : null)).ToList(),
            stopReason,
            final["usage"]);
    }

    /// <summary>Checks a complete (non-streamed) message's shape and returns its blocks.</summary>
    public static AssembledMessage AssertMessage(JsonNode message)
    {
        AssertMessageEnvelope(message);
        var stopReason = message["stop_reason"]!.GetValue<string>();
        Assert.Contains(stopReason, StopReasons);
        var blocks = new List<AssembledBlock>();
        foreach (var block in message["content"]!.AsArray())
        {
            var type = block!["type"]!.GetValue<string>();
            switch (type)
            {
                case "text":
                    blocks.Add(new AssembledBlock(type, block["text"]!.GetValue<string>(), null, null, null));
                    break;
                case "thinking":
                    Assert.NotNull(block["signature"]);
                    blocks.Add(new AssembledBlock(type, block["thinking"]!.GetValue<string>(), null, null, null));
                    break;
                case "tool_use":
                    Assert.IsType<JsonObject>(block["input"]);
                    blocks.Add(new AssembledBlock(type, "", block["id"]!.GetValue<string>(), block["name"]!.GetValue<string>(), block["input"]));
                    break;
                default:
                    Assert.Fail("unexpected block type " + type);
                    break;
            }
        }

        return new AssembledMessage(message["id"]!.GetValue<string>(), message["model"]!.GetValue<string>(), blocks, stopReason, message["usage"]);
    }

    /// <summary>An Anthropic error body: {"type":"error","error":{"type","message"}}; returns the error object.</summary>
    public static JsonNode AssertError(string body, string type)
    {
        var root = JsonNode.Parse(body)!;
        Assert.Equal("error", root["type"]!.GetValue<string>());
        Assert.Equal(type, root["error"]!["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(root["error"]!["message"]!.GetValue<string>()));
        return root["error"]!;
    }

    private static void AssertMessageEnvelope(JsonNode message)
    {
        Assert.StartsWith("msg_", message["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("message", message["type"]!.GetValue<string>());
        Assert.Equal("assistant", message["role"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(message["model"]!.GetValue<string>()));
        Assert.IsType<JsonArray>(message["content"]);
        Assert.True(message.AsObject().ContainsKey("stop_sequence"));
        Assert.True(message["usage"]!["input_tokens"]!.GetValue<long>() >= 0);
        Assert.True(message["usage"]!["output_tokens"]!.GetValue<long>() >= 0);
    }

    private static JsonNode ParseInput(string partialJson) => partialJson.Length == 0 ? new JsonObject() : JsonNode.Parse(partialJson)!;

    /// <summary>Two JSON values are equal, whatever their formatting; the message shows both.</summary>
    public static void AssertJsonEqual(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {JsonNode.Parse(expected)!.ToJsonString()}\n  actual {actual?.ToJsonString()}");
}
