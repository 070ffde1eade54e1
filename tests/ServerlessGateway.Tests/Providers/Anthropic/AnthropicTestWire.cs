using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>Our own Anthropic wire-format samples (written here, shaped like the real API's) and a gateway configured with Anthropic models.</summary>
internal static class AnthropicTestWire
{
    public const string Model = "claude";
    public const string UpstreamModel = "claude-sonnet-4-20250514";
    public const string ApiKey = "sk-ant-test-0001";

    /// <summary>Adds an anthropic provider at <paramref name="baseUrl"/> (a fake upstream) and a model served by it.</summary>
    public static JsonObject WithAnthropic(JsonObject config, string baseUrl, string model = Model, string provider = "anthropic", string upstreamModel = UpstreamModel)
    {
        var gateway = config["Gateway"]!;
        gateway["Providers"]![provider] = new JsonObject { ["Type"] = "anthropic", ["BaseUrl"] = baseUrl + "/v1", ["ApiKey"] = ApiKey, ["TimeoutSeconds"] = 5 };
        gateway["Models"]![model] = GatewayHost.Deployments((provider, upstreamModel));
        return config;
    }

    public static string Message(string text, string stopReason = "end_turn", int input = 12, int output = 7, int cacheRead = 0) =>
        $$$$"""{"id":"msg_T1","type":"message","role":"assistant","model":"{{{{UpstreamModel}}}}","content":[{"type":"text","text":"{{{{text}}}}"}],"stop_reason":"{{{{stopReason}}}}","stop_sequence":null,"usage":{"input_tokens":{{{{input}}}},"cache_creation_input_tokens":0,"cache_read_input_tokens":{{{{cacheRead}}}},"output_tokens":{{{{output}}}}}}""";

    public static string ToolUse(string id, string name, string inputJson, string text = "") =>
        "{\"id\":\"msg_T2\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + UpstreamModel + "\",\"content\":["
            + (text.Length > 0 ? "{\"type\":\"text\",\"text\":\"" + text + "\"}," : "")
            + "{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"input\":" + inputJson + "}],"
            + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":40,\"output_tokens\":20}}";

    public static string Error(string type, string message) =>
        $$$$"""{"type":"error","error":{"type":"{{{{type}}}}","message":"{{{{message}}}}"},"request_id":"req_T1"}""";

    /// <summary>A text answer as Anthropic streams it, split into the given pieces.</summary>
    public static string TextStream(params string[] pieces)
    {
        var sse = new StringBuilder();
        sse.Append(Event("message_start", $$$$"""{"type":"message_start","message":{"id":"msg_T3","type":"message","role":"assistant","model":"{{{{UpstreamModel}}}}","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":15,"cache_read_input_tokens":5,"output_tokens":1}}}"""));
        sse.Append(Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""));
        sse.Append(Event("ping", """{"type": "ping"}"""));
        foreach (var piece in pieces)
        {
            sse.Append(Event("content_block_delta", $$$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"{{{{piece}}}}"}}"""));
        }

        sse.Append(Event("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        sse.Append(Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}"""));
        sse.Append(Event("message_stop", """{"type":"message_stop"}"""));
        return sse.ToString();
    }

    /// <summary>A tool call as Anthropic streams it: its input in JSON fragments.</summary>
    public static string ToolStream(string id, string name, params string[] fragments)
    {
        var sse = new StringBuilder();
        sse.Append(Event("message_start", $$$$"""{"type":"message_start","message":{"id":"msg_T4","type":"message","role":"assistant","model":"{{{{UpstreamModel}}}}","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":30,"output_tokens":1}}}"""));
        sse.Append(Event("content_block_start", $$$$"""{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"{{{{id}}}}","name":"{{{{name}}}}","input":{}}}"""));
        foreach (var fragment in fragments)
        {
            var escaped = System.Text.Json.JsonSerializer.Serialize(fragment);
            sse.Append(Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""" + escaped + "}}"));
        }

        sse.Append(Event("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        sse.Append(Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":25}}"""));
        sse.Append(Event("message_stop", """{"type":"message_stop"}"""));
        return sse.ToString();
    }

    public static string Event(string type, string data) => $"event: {type}\ndata: {data}\n\n";

    public static Task Sse(HttpContext context, string sse) => Respond.Raw(context, "text/event-stream; charset=utf-8", Encoding.UTF8.GetBytes(sse));
}
