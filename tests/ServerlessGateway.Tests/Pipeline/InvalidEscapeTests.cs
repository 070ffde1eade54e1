using System.Buffers;
using System.Text;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Tests.Pipeline;

/// <summary>
/// An escape that is not valid UTF-16 ("\udc00") can make Utf8JsonReader's comparisons throw. Wherever it
/// stands, the parser either refuses the request as invalid JSON (where it compares that text) or
/// accepts it unchanged for the upstream to judge; an upstream answer simply has no usage. Never an
/// unhandled exception (which would be a 500).
/// </summary>
public sealed class InvalidEscapeTests
{
    private const string Bad = "\\udc00";

    public static TheoryData<string> ChatBodies => new()
    {
        $$$"""{"{{{Bad}}}":1,"model":"m","messages":[{"role":"user","content":"x"}]}""",
        $$$"""{"model":"m","messages":[{"{{{Bad}}}":1,"role":"user","content":"x"}]}""",
        $$$"""{"model":"m","messages":[{"role":"user","content":[{"{{{Bad}}}":1,"type":"text","text":"x"}]}]}""",
        $$$"""{"model":"m","stream":true,"stream_options":{"{{{Bad}}}":true},"messages":[{"role":"user","content":"x"}]}""",
        $$$"""{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"{{{Bad}}}":"f"}}]}""",
        $$$"""{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":{"{{{Bad}}}":"function"}}""",
        $$$"""{"model":"m","messages":[{"role":"{{{Bad}}}","content":"x"}]}""",
    };

    [Theory]
    [MemberData(nameof(ChatBodies))]
    public void Chat_bodies_are_refused_as_invalid_json_or_passed_on(string json)
    {
        var result = Parsing.Chat(json);

        Assert.True(result.Value is not null || result.Error?.Code == "invalid_json", result.Error?.ToString());
    }

    [Fact]
    public void A_bad_escape_in_a_key_the_gateway_compares_is_refused() =>
        Parsing.Refused(Parsing.Chat($$$"""{"model":"m","messages":[{"{{{Bad}}}":1,"role":"user","content":"x"}]}"""), "invalid_json");

    [Fact]
    public void Embeddings_bodies_are_refused_as_invalid_json() =>
        Parsing.Refused(Parsing.Embeddings($$$"""{"{{{Bad}}}":1,"model":"m","input":"x"}"""), "invalid_json");

    [Fact]
    public void An_upstream_answer_with_such_a_key_has_no_usage()
    {
        var json = Encoding.UTF8.GetBytes($$$"""{"{{{Bad}}}":1,"usage":{"prompt_tokens":3}}""");

        Assert.False(OpenAIUsageReader.TryRead(new ReadOnlySequence<byte>(json), out _, out _));
    }
}
