using ServerlessGateway.Pipeline;
using static ServerlessGateway.Tests.Pipeline.Parsing;

namespace ServerlessGateway.Tests.Pipeline;

/// <summary>What the chat parser reads from valid bodies.</summary>
public sealed class ChatRequestParserTests
{
    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private static string Body(string extra = "") => "{\"model\":\"gpt-4o\"," + Messages + extra + "}";

    [Fact]
    public void Minimal_request_has_the_defaults()
    {
        var json = Body();
        var request = Valid(Chat(json));

        Assert.Equal("gpt-4o", request.Model);
        Assert.Equal("\"gpt-4o\"", Text(json, request.ModelToken));
        Assert.False(request.Stream);
        Assert.False(request.CallerWantsStreamUsage);
        Assert.Equal(StreamUsageEditKind.None, request.UsageEdit.Kind);
        Assert.Null(request.MaxTokens);
        Assert.Equal(1, request.ChoiceCount);
        Assert.Equal(1, request.MessageCount);
        Assert.Null(request.ForcedToolName);
        Assert.Equal("\"hi\"", Text(json, request.LastUserContent!.Value));
    }

    [Fact]
    public void The_signals_model_selection_reads_are_recorded()
    {
        const string Messages = """[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]""";
        var json = $$$"""{"model":"gpt-4o","messages": {{{Messages}}} ,"tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}}]}""";

        var request = Valid(Chat(json));
        var plain = Valid(Chat(Body()));

        Assert.Equal(Messages, Text(json, request.Messages));
        Assert.True(request.HasImages);
        Assert.Equal(2, request.ToolCount);
        Assert.False(plain.HasImages);
        Assert.Equal(0, plain.ToolCount);
    }

    [Fact]
    public void Escaped_model_is_unescaped_and_its_token_covers_the_raw_escapes()
    {
        var json = """{ "messages":[{"role":"user","content":"hi"}], "model" : "gpt\u002d4o\u00e9" }""";
        var request = Valid(Chat(json));

        Assert.Equal("gpt-4oé", request.Model);
        Assert.Equal("\"gpt\\u002d4o\\u00e9\"", Text(json, request.ModelToken));
    }

    [Fact]
    public void Non_ascii_model_token_is_measured_in_bytes()
    {
        var json = "{\"messages\":[{\"role\":\"user\",\"content\":\"é😀\"}],\"model\":\"模型-ü\"}";
        var request = Valid(Chat(json));

        Assert.Equal("模型-ü", request.Model);
        Assert.Equal("\"模型-ü\"", Text(json, request.ModelToken));
        Assert.Equal("\"é😀\"", Text(json, request.LastUserContent!.Value));
    }

    [Fact]
    public void Property_names_written_with_escapes_are_recognised()
    {
        var json = """{"mod\u0065l":"gpt-4o","m\u0065ssages":[{"r\u006fle":"user","c\u006fntent":"hi"}],"str\u0065am":true,"\u006e":2}""";
        var request = Valid(Chat(json));

        Assert.Equal("gpt-4o", request.Model);
        Assert.True(request.Stream);
        Assert.Equal(2, request.ChoiceCount);
        Assert.Equal(1, request.MessageCount);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData(",\"stream\":false", false)]
    [InlineData(",\"stream\":null", false)]
    [InlineData(",\"stream\":true", true)]
    public void Stream_flag(string extra, bool expected)
    {
        var request = Valid(Chat(Body(extra)));

        Assert.Equal(expected, request.Stream);
    }

    [Fact]
    public void Streaming_without_stream_options_inserts_them_into_the_root()
    {
        var json = "  \n{\"model\":\"m\",\"stream\":true," + Messages + "}";
        var request = Valid(Chat(json));

        Assert.Equal(new StreamUsageEdit(StreamUsageEditKind.InsertIntoRoot, json.IndexOf('{', StringComparison.Ordinal) + 1, 0), request.UsageEdit);
        Assert.False(request.CallerWantsStreamUsage);
    }

    [Theory]
    [InlineData("null", StreamUsageEditKind.ReplaceStreamOptionsValue, "null")]
    [InlineData("{}", StreamUsageEditKind.InsertIntoEmptyStreamOptions, "")]
    [InlineData("{ \n }", StreamUsageEditKind.InsertIntoEmptyStreamOptions, "")]
    [InlineData("{\"include_obfuscation\":false}", StreamUsageEditKind.InsertIntoStreamOptions, "")]
    [InlineData("{\"include_usage\":false}", StreamUsageEditKind.ReplaceIncludeUsageValue, "false")]
    [InlineData("{\"include_usage\":null,\"include_obfuscation\":true}", StreamUsageEditKind.ReplaceIncludeUsageValue, "null")]
    [InlineData("{\"include_obfuscation\":true, \"include_usage\" : false }", StreamUsageEditKind.ReplaceIncludeUsageValue, "false")]
    public void Streaming_with_stream_options_edits_them(string options, StreamUsageEditKind kind, string replaced)
    {
        var json = Body(",\"stream\":true,\"stream_options\":" + options);
        var request = Valid(Chat(json));

        Assert.Equal(kind, request.UsageEdit.Kind);
        Assert.False(request.CallerWantsStreamUsage);
        Assert.Equal(replaced, Text(json, new TokenSpan(request.UsageEdit.Offset, request.UsageEdit.Length)));
        if (kind is StreamUsageEditKind.InsertIntoStreamOptions or StreamUsageEditKind.InsertIntoEmptyStreamOptions)
        {
            Assert.Equal('{', json[request.UsageEdit.Offset - 1]);
        }
    }

    [Fact]
    public void Stream_options_that_already_ask_for_usage_need_no_edit()
    {
        var request = Valid(Chat(Body(",\"stream_options\":{\"include_usage\":true},\"stream\":true")));

        Assert.True(request.CallerWantsStreamUsage);
        Assert.Equal(StreamUsageEditKind.None, request.UsageEdit.Kind);
    }

    [Fact]
    public void Not_streaming_means_no_usage_edit()
    {
        var request = Valid(Chat(Body(",\"stream\":false,\"stream_options\":{\"include_usage\":false}")));

        Assert.Equal(StreamUsageEditKind.None, request.UsageEdit.Kind);
    }

    [Theory]
    [InlineData(",\"max_tokens\":100", 100)]
    [InlineData(",\"max_completion_tokens\":50", 50)]
    [InlineData(",\"max_tokens\":null", null)]
    [InlineData(",\"max_completion_tokens\":2147483647", int.MaxValue)]
    public void Max_tokens(string extra, int? expected)
    {
        Assert.Equal(expected, Valid(Chat(Body(extra))).MaxTokens);
    }

    [Theory]
    [InlineData(",\"n\":1", 1)]
    [InlineData(",\"n\":128", 128)]
    [InlineData(",\"n\":null", 1)]
    public void Choice_count(string extra, int expected)
    {
        Assert.Equal(expected, Valid(Chat(Body(extra))).ChoiceCount);
    }

    [Theory]
    [InlineData(",\"temperature\":0,\"top_p\":0")]
    [InlineData(",\"temperature\":2,\"top_p\":1")]
    [InlineData(",\"temperature\":0.7e0,\"top_p\":null")]
    public void Sampling_parameters_at_their_bounds(string extra)
    {
        Valid(Chat(Body(extra)));
    }

    private const string Tools = ""","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}},{"type":"function","function":{"description":"x","name":"get_time"}}]""";

    [Theory]
    [InlineData(Tools + ",\"tool_choice\":\"required\"", "get_weather")]
    [InlineData(",\"tool_choice\":\"required\"" + Tools, "get_weather")]
    [InlineData(Tools + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}", "get_time")]
    [InlineData(",\"tool_choice\":{\"function\":{\"name\":\"get_time\"},\"type\":\"function\"}" + Tools, "get_time")]
    [InlineData(Tools + ",\"tool_choice\":\"auto\"", null)]
    [InlineData(Tools + ",\"tool_choice\":\"none\"", null)]
    [InlineData(Tools + ",\"tool_choice\":null", null)]
    [InlineData(Tools, null)]
    [InlineData(",\"tool_choice\":\"required\"", null)]
    [InlineData(",\"tools\":[],\"tool_choice\":\"required\"", null)]
    [InlineData(",\"tools\":null,\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"x\"}}", null)]
    public void Forced_tool(string extra, string? expected)
    {
        Assert.Equal(expected, Valid(Chat(Body(extra))).ForcedToolName);
    }

    [Fact]
    public void Content_parts_are_the_last_user_content_as_raw_json()
    {
        const string parts = """[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}}]""";
        var json = """{"model":"m","messages":[{"role":"user","content":""" + parts + "}]}";
        var request = Valid(Chat(json));

        Assert.Equal(parts, Text(json, request.LastUserContent!.Value));
    }

    [Fact]
    public void Last_user_content_is_the_last_user_message_not_the_last_message()
    {
        const string json = """
            {"model":"m","messages":[
              {"role":"system","content":"be brief"},
              {"role":"user","content":"first"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"c1","content":"42"},
              {"role":"user","name":"bob","content":"second"},
              {"role":"assistant","content":"ok"}
            ]}
            """;
        var request = Valid(Chat(json));

        Assert.Equal(6, request.MessageCount);
        Assert.Equal("\"second\"", Text(json, request.LastUserContent!.Value));
    }

    [Fact]
    public void No_user_message_means_no_last_user_content()
    {
        var request = Valid(Chat("""{"model":"m","messages":[{"role":"developer","content":"x"},{"role":"assistant"}]}"""));

        Assert.Null(request.LastUserContent);
        Assert.Equal(2, request.MessageCount);
    }

    [Fact]
    public void Unknown_fields_of_any_shape_are_skipped()
    {
        var request = Valid(Chat(Body(""","metadata":{"model":"other","stream":"true"},"prediction":{"model":"x","stream":true},"response_format":{"type":"json_schema","json_schema":{"schema":{"properties":{"messages":{"type":"array"}}}}},"user":"u","seed":1.5e3,"logit_bias":{"50256":-100}""")));

        Assert.Equal("gpt-4o", request.Model);
        Assert.False(request.Stream);
    }

    [Fact]
    public void Nesting_up_to_the_depth_limit_is_accepted()
    {
        // The root object is one level, so MaxDepth - 1 arrays inside it reach the limit exactly.
        Valid(Chat(Body(",\"x\":" + Nested(MaxDepth - 1))));
    }
}
