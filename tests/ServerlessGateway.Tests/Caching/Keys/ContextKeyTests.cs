using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Caching.Keys;

namespace ServerlessGateway.Tests.Caching.Keys;

/// <summary>The context key: everything but the last user message's content, which is the semantic text.</summary>
public sealed class ContextKeyTests
{
    private static readonly FingerprintScope Scope = RequestFingerprintPropertyTests.Scope;

    private const string Conversation = """
        {"model":"gpt-4o","temperature":0.2,
         "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
         "messages":[
           {"role":"system","content":"Be brief."},
           {"role":"user","content":"Hi"},
           {"role":"assistant","content":"Hello!"},
           {"role":"user","content":"What is the capital of France?"}]}
        """;

    [Fact]
    public void Requests_that_differ_only_in_the_last_user_message_share_the_context_key_but_not_the_key()
    {
        var a = Compute(Conversation);
        var b = Compute(WithLast(Conversation, last => last["content"] = "Which city is France's capital?"));
        var parts = Compute(WithLast(Conversation, last => last["content"] = new JsonArray(Part("Capital"), Part("of France?"))));

        Assert.Equal(a.ContextKey, b.ContextKey);
        Assert.Equal(a.ContextKey, parts.ContextKey);
        Assert.NotEqual(a.Key, b.Key);
        Assert.NotEqual(a.Key, a.ContextKey);
        Assert.Equal("What is the capital of France?", a.SemanticText);
        Assert.Equal("Capital\nof France?", parts.SemanticText);
    }

    [Fact]
    public void Any_other_difference_changes_the_context_key()
    {
        var baseline = Compute(Conversation).ContextKey;
        var body = Encoding.UTF8.GetBytes(Conversation);
        string?[] others =
        [
            Compute(Conversation.Replace("Be brief.", "Be verbose.", StringComparison.Ordinal)).ContextKey,
            Compute(Conversation.Replace("\"Hi\"", "\"Hey\"", StringComparison.Ordinal)).ContextKey,
            Compute(Conversation.Replace("\"name\":\"f\"", "\"name\":\"g\"", StringComparison.Ordinal)).ContextKey,
            Compute(Conversation.Replace("0.2", "0.3", StringComparison.Ordinal)).ContextKey,
            Compute(WithLast(Conversation, last => last["name"] = "ann")).ContextKey,
            RequestFingerprint.Compute(body, Scope with { ResolvedModel = "gpt-4o-mini" }).ContextKey,
            RequestFingerprint.Compute(body, Scope with { Tenant = "other" }).ContextKey,
            RequestFingerprint.Compute(body, Scope with { Namespace = "other" }).ContextKey,
        ];

        Assert.All(others, other => Assert.NotNull(other));
        Assert.Equal(others.Length + 1, others.Append(baseline).Distinct().Count());
    }

    [Fact]
    public void The_ignored_fields_do_not_change_the_context_key()
    {
        var streamed = JsonNode.Parse(Conversation)!.AsObject();
        streamed["stream"] = true;
        streamed["user"] = "u-2";

        Assert.Equal(Compute(Conversation).ContextKey, Compute(streamed.ToJsonString()).ContextKey);
    }

    [Theory]
    [InlineData("""{"role":"assistant","content":"Hi"}""")]
    [InlineData("""{"role":"user","content":null}""")]
    [InlineData("""{"role":"user"}""")]
    [InlineData("""{"role":"user","content":[]}""")]
    [InlineData("""{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"https://x"}}]}""")]
    [InlineData("""{"role":"user","content":[{"type":"text"}]}""")]
    [InlineData("""{"role":"user","content":[{"type":"text","text":1}]}""")]
    [InlineData("""{"role":"user","content":["a"]}""")]
    [InlineData("""{"role":"user","content":{"text":"a"}}""")]
    [InlineData("""{"role":"tool","content":"42"}""")]
    [InlineData("""{"role":{"user":1},"content":"a"}""")]
    [InlineData("\"just text\"")]
    public void A_last_message_that_is_not_a_text_only_user_message_has_no_context_key(string last)
    {
        var fingerprint = Compute($$"""{"messages":[{"role":"user","content":"first"},{{last}}]}""");

        Assert.Equal((null, null), (fingerprint.ContextKey, fingerprint.SemanticText));
    }

    [Theory]
    [InlineData("""{"messages":[]}""")]
    [InlineData("""{"messages":"hi"}""")]
    [InlineData("""{"input":"hi"}""")]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"messages":null}""")]
    public void A_request_without_a_usable_messages_array_has_no_context_key(string json) => Assert.Null(Compute(json).ContextKey);

    [Fact]
    public void Embeddings_requests_have_no_context_key()
    {
        var body = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":"a"}]}""");

        Assert.Null(RequestFingerprint.Compute(body, Scope with { Kind = FingerprintScope.EmbeddingsKind }).ContextKey);
    }

    [Fact]
    public void The_last_of_repeated_fields_is_the_one_used()
    {
        var fingerprint = Compute("""
            {"messages":[{"role":"user","content":"old"}],
             "messages":[{"role":"system","content":"s"},{"content":"first","role":"assistant","role":"user","content":"second \u00e9"}]}
            """);
        var plain = Compute("""{"messages":[{"role":"system","content":"s"},{"role":"user","content":"other"}]}""");

        Assert.Equal("second é", fingerprint.SemanticText);
        Assert.Equal(plain.ContextKey, fingerprint.ContextKey);
    }

    [Fact]
    public void The_last_message_may_sit_anywhere_among_the_top_level_fields()
    {
        var first = Compute("""{"messages":[{"role":"user","content":"a"}],"a":1,"zz":[1,{"b":2,"a":1}]}""");
        var last = Compute("""{"zz":[1,{"a":1,"b":2}],"a":1,"messages":[{"content":"b","role":"user"}]}""");

        Assert.Equal(first.ContextKey, last.ContextKey);
        Assert.NotEqual(first.Key, last.Key);
    }

    private static Fingerprint Compute(string json) => RequestFingerprint.Compute(Encoding.UTF8.GetBytes(json), Scope);

    private static string WithLast(string json, Action<JsonObject> change)
    {
        var request = JsonNode.Parse(json)!.AsObject();
        change(request["messages"]!.AsArray()[^1]!.AsObject());
        return request.ToJsonString();
    }

    private static JsonObject Part(string text) => new() { ["type"] = "text", ["text"] = text };
}
