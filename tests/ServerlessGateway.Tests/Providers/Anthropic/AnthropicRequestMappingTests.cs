using System.Text.Json.Nodes;
using ServerlessGateway.Providers.Anthropic;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>
/// OpenAI requests → Anthropic Messages requests. Each golden file in Golden/requests holds an OpenAI
/// body, the Anthropic body it must become, and why.
/// </summary>
public sealed class AnthropicRequestMappingTests
{
    private const string DefaultModel = "claude-sonnet-4-20250514";

    public static IEnumerable<TheoryDataRow<string>> Cases() => Golden.Cases("requests", ".json");

    [Theory]
    [MemberData(nameof(Cases))]
    public void OpenAI_request_becomes_the_golden_Anthropic_request(string name)
    {
        var golden = JsonNode.Parse(Golden.Read("requests", name + ".json"))!;
        var request = Golden.Parse(golden["openai"]!.ToJsonString());
        var model = golden["model"]?.GetValue<string>() ?? DefaultModel;

        var written = AnthropicRequestWriter.Write(request, model);

        Golden.AssertJsonEqual(golden["anthropic"], JsonNode.Parse(written), name);
    }

    [Theory]
    [InlineData("""{"n":2}""", "n", "unsupported_by_provider")]
    [InlineData("""{"audio":{"voice":"alloy","format":"mp3"}}""", "audio", "unsupported_by_provider")]
    [InlineData("""{"functions":[{"name":"f"}]}""", "functions", "unsupported_by_provider")]
    [InlineData("""{"tools":[{"type":"custom","custom":{"name":"grammar"}}]}""", "tools[0].type", "unsupported_by_provider")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}""", "messages[0].content[0].type", "unsupported_by_provider")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]}""", "messages[0].content[0].file", "unsupported_by_provider")]
    [InlineData("""{"messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]},{"role":"user","content":"hi"}]}""", "messages[0].content[0].type", "unsupported_by_provider")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"},{"role":"function","name":"f","content":"1"}]}""", "messages[1].role", "unsupported_by_provider")]
    public void Requests_Anthropic_cannot_serve_are_refused_so_another_deployment_may_try(string fields, string param, string code)
    {
        var failure = Refusal(fields);

        Assert.Equal(400, failure.Error.Status);
        Assert.Equal(param, failure.Error.Param);
        Assert.Equal(code, failure.Error.Code);
        Assert.Equal(FailureAction.TryNextDeployment, failure.Action);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{\"cut"}}]}]}""", "messages[1].tool_calls[0].function.arguments")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}""", "messages[1].tool_calls[0].function.arguments")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}]}""", "messages[1].tool_calls[0].id")]
    [InlineData("""{"messages":[{"role":"tool","content":"42"}]}""", "messages[0].tool_call_id")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"response_format":{"type":"json_object"},"tools":[{"type":"function","function":{"name":"json_response"}}]}""", "tools[0].function.name")]
    [InlineData("""{"stop":[1,2]}""", "stop")]
    public void Malformed_requests_go_back_to_the_caller_naming_the_field(string fields, string param)
    {
        var failure = Refusal(fields);

        Assert.Equal(400, failure.Error.Status);
        Assert.Equal(param, failure.Error.Param);
        Assert.Equal("invalid_request_error", failure.Error.Type);
        Assert.Equal(FailureAction.ReturnToCaller, failure.Action);
    }

    [Fact]
    public void The_answer_tool_name_is_the_callers_own_when_no_JSON_answer_is_asked_for()
    {
        var request = Golden.Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"json_response"}}]}""");

        var written = JsonNode.Parse(AnthropicRequestWriter.Write(request, DefaultModel))!;

        Assert.Equal("json_response", written["tools"]![0]!["name"]!.GetValue<string>());
        Assert.Null(written["tool_choice"]);
    }

    [Theory]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object"}}}}""", AnthropicJsonAnswer.Kind.JsonSchema)]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"schema":{}}}}""", AnthropicJsonAnswer.Kind.WrappedJsonSchema)]
    [InlineData("""{"response_format":{"json_schema":{},"type":"json_object"}}""", AnthropicJsonAnswer.Kind.JsonObject)]
    [InlineData("""{"response_format":{"type":"text"}}""", AnthropicJsonAnswer.Kind.None)]
    [InlineData("""{"response_format":null}""", AnthropicJsonAnswer.Kind.None)]
    [InlineData("""{"response_format":{"type":"json_object"},"response_format":{"type":"text"}}""", AnthropicJsonAnswer.Kind.None)]
    [InlineData("""{"metadata":{"response_format":{"type":"json_object"}}}""", AnthropicJsonAnswer.Kind.None)]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"name":"ids","schema":{"type":"array","items":{"type":"integer"}}}}}""", AnthropicJsonAnswer.Kind.WrappedJsonSchema)]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"schema":{"properties":{"a":{}}}}}}""", AnthropicJsonAnswer.Kind.JsonSchema)]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"schema":{"anyOf":[{"type":"object"},{"type":"string"}]}}}}""", AnthropicJsonAnswer.Kind.WrappedJsonSchema)]
    [InlineData("""{"response_format":{"type":"json_schema","json_schema":{"schema":{"type":["object","null"]}}}}""", AnthropicJsonAnswer.Kind.WrappedJsonSchema)]
    public void The_JSON_answer_is_read_from_the_top_level_response_format_only(string body, AnthropicJsonAnswer.Kind expected)
    {
        Assert.Equal(expected, AnthropicJsonAnswer.Requested(System.Text.Encoding.UTF8.GetBytes(body)));
    }

    private static AnthropicRequestException Refusal(string fields)
    {
        var body = JsonNode.Parse(fields)!.AsObject();
        body["model"] = "claude";
        body["messages"] ??= JsonNode.Parse("""[{"role":"user","content":"hi"}]""");
        var request = Golden.Parse(body.ToJsonString());
        return Assert.Throws<AnthropicRequestException>(() => AnthropicRequestWriter.Write(request, DefaultModel));
    }
}
