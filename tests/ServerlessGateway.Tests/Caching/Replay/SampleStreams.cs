using static ServerlessGateway.Tests.Caching.Replay.ReplayKit;

namespace ServerlessGateway.Tests.Caching.Replay;

/// <summary>Chunk streams of every shape the gateway relays: OpenAI's own, and its Anthropic and Gemini translations.</summary>
internal static class SampleStreams
{
    public const string RoleForText = """{"role":"assistant","content":"","refusal":null}""";

    public static readonly string[] Text =
    [
        Delta(0, RoleForText, usageNull: true),
        Delta(0, """{"content":"Hello"}""", usageNull: true),
        Delta(0, """{"content":" there 👋🏽, wörld "}""", usageNull: true),
        Delta(0, """{"content":"🌍🚀\n\"quoted\" \\ back\u00e9"}""", usageNull: true),
        Delta(0, "{}", "stop", usageNull: true),
        UsageChunk(),
    ];

    public static readonly string[] ToolCalls =
    [
        Delta(0, """{"role":"assistant","content":null}"""),
        Delta(0, """{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}"""),
        Delta(0, """{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}"""),
        Delta(0, """{"tool_calls":[{"index":0,"function":{"arguments":"ty\": \"Paris\"}"}}]}"""),
        Delta(0, """{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]}"""),
        Delta(0, """{"tool_calls":[{"index":1,"function":{"arguments":"{\"zone\":"}}]}"""),
        Delta(0, """{"tool_calls":[{"index":1,"function":{"arguments":" \"Europe/Paris\"}"}}]}"""),
        Delta(0, "{}", "tool_calls"),
        UsageChunk(80, 40),
    ];

    /// <summary>n=2, the choices' chunks interleaved and the second choice speaking first.</summary>
    public static readonly string[] TwoChoices =
    [
        Delta(1, RoleForText),
        Delta(0, RoleForText),
        Delta(1, """{"content":"Second "}"""),
        Delta(0, """{"content":"First "}"""),
        Delta(0, """{"content":"answer."}"""),
        Delta(1, """{"content":"answer, longer."}"""),
        Delta(1, "{}", "length"),
        Delta(0, "{}", "stop"),
    ];

    public static readonly string[] Refusal =
    [
        Delta(0, """{"role":"assistant","content":null,"refusal":""}"""),
        Delta(0, """{"refusal":"I'm"}"""),
        Delta(0, """{"refusal":" sorry, I can't help with that."}"""),
        Delta(0, "{}", "stop"),
    ];

    public static readonly string[] Logprobs =
    [
        Delta(0, RoleForText, logprobs: """{"content":[],"refusal":null}"""),
        Delta(0, """{"content":"Foo"}""", logprobs: """{"content":[{"token":"Foo","logprob":-0.0025,"bytes":[70,111,111],"top_logprobs":[]}],"refusal":null}"""),
        Delta(0, """{"content":"!"}""", logprobs: """{"content":[{"token":"!","logprob":-0.27,"bytes":[33],"top_logprobs":[{"token":"!","logprob":-0.27,"bytes":[33]}]}],"refusal":null}"""),
        Delta(0, "{}", "stop"),
        UsageChunk(9, 2),
    ];

    /// <summary>As the Anthropic translation streams a thinking model: reasoning_content, then the answer.</summary>
    public static readonly string[] ReasoningThenText =
    [
        Delta(0, """{"role":"assistant","content":""}"""),
        Delta(0, """{"reasoning_content":"The user wants "}"""),
        Delta(0, """{"reasoning_content":"a greeting."}"""),
        Delta(0, """{"content":"Hi!"}"""),
        Delta(0, "{}", "stop"),
        UsageChunk(),
    ];

    /// <summary>As the Gemini translation streams: text, then whole tool calls in one delta.</summary>
    public static readonly string[] WholeToolCalls =
    [
        Delta(0, """{"role":"assistant","content":"Let me check."}"""),
        Delta(0, """{"tool_calls":[{"index":0,"id":"call_g1","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"x\"}"}},{"index":1,"id":"call_g2","type":"function","function":{"name":"lookup","arguments":"{}"}}]}"""),
        Delta(0, "{}", "tool_calls"),
    ];

    public static readonly string[] ContentFiltered =
    [
        Delta(0, RoleForText),
        Delta(0, """{"content":"Partial answer"}"""),
        Delta(0, "{}", "content_filter"),
    ];

    public static readonly string[] Annotated =
    [
        Delta(0, RoleForText),
        Delta(0, """{"content":"See example.com for more."}"""),
        Delta(0, """{"annotations":[{"type":"url_citation","url_citation":{"start_index":4,"end_index":15,"url":"https://example.com/","title":"Example"}}]}"""),
        Delta(0, "{}", "stop"),
    ];

    public static TheoryData<string> Names => [.. All.Keys];

    public static IReadOnlyDictionary<string, string[]> All { get; } = new Dictionary<string, string[]>
    {
        ["text, unicode, usage"] = Text,
        ["two tool calls, split arguments"] = ToolCalls,
        ["n=2 interleaved"] = TwoChoices,
        ["refusal"] = Refusal,
        ["logprobs"] = Logprobs,
        ["reasoning (Anthropic translation)"] = ReasoningThenText,
        ["whole tool calls (Gemini translation)"] = WholeToolCalls,
        ["content_filter"] = ContentFiltered,
        ["annotations"] = Annotated,
    };
}
