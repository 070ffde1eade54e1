using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>Golden response mapping: a generateContent answer from the fake Gemini, and the chat.completion the caller got.</summary>
public sealed class GeminiResponseMappingTests(GeminiGateway gemini) : IClassFixture<GeminiGateway>
{
    private const string Ask = """{"model":"gemini","messages":[{"role":"user","content":"hi"}]}""";

    private async Task<JsonObject> AnswerAsync(string geminiAnswer, string request = Ask)
    {
        gemini.ServeJson(geminiAnswer);
        using var response = await gemini.PostAsync(request);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, text);
        var completion = JsonNode.Parse(text)!.AsObject();

        // Named by Gemini's responseId, timed by the gateway's clock: checked here, then set aside for the golden comparison.
        Assert.StartsWith("chatcmpl-", completion["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.InRange(completion["created"]!.GetValue<long>(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        completion.Remove("created");
        return completion;
    }

    [Fact]
    public async Task Text_parts_are_joined_thoughts_left_out_and_usage_normalised()
    {
        var completion = await AnswerAsync(GeminiSamples.Answer(
            GeminiSamples.Text("Thinking about it", thought: true) + "," + GeminiSamples.Text("Rome is ") + "," + GeminiSamples.Text("the capital."),
            usage: GeminiSamples.Usage(prompt: 120, candidates: 8, thoughts: 30, cached: 100)));

        JsonAssert.Equal("""
            {"id":"chatcmpl-resp-1","object":"chat.completion","model":"gemini-2.5-flash",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Rome is the capital.","refusal":null},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":120,"completion_tokens":38,"total_tokens":158,
                      "prompt_tokens_details":{"cached_tokens":100},"completion_tokens_details":{"reasoning_tokens":30}}}
            """, completion);
    }

    [Fact]
    public async Task Function_calls_become_tool_calls_with_ids_carrying_the_thought_signature()
    {
        var completion = await AnswerAsync(GeminiSamples.Answer(
            GeminiSamples.Call("get_weather", """{"city": "Paris"}""", GeminiSamples.Signature) + "," + GeminiSamples.Call("get_weather", """{"city":"Rome","days":[1, 2]}""")));

        var message = completion["choices"]![0]!["message"]!;
        Assert.Null(message["content"]);
        Assert.Equal("tool_calls", completion["choices"]![0]!["finish_reason"]!.GetValue<string>());
        var calls = message["tool_calls"]!.AsArray();
        Assert.Equal(2, calls.Count);
        JsonAssert.Equal("""{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}""", calls[0]!["function"]);
        JsonAssert.Equal("""{"name":"get_weather","arguments":"{\"city\":\"Rome\",\"days\":[1,2]}"}""", calls[1]!["function"]);
        var first = calls[0]!["id"]!.GetValue<string>();
        var second = calls[1]!["id"]!.GetValue<string>();
        Assert.Matches("^call_[0-9a-f]{24}__sig_" + GeminiSamples.SignatureInId + "$", first);
        Assert.Matches("^call_[0-9a-f]{24}$", second);
        Assert.NotEqual(first[..29], second);
        Assert.All(calls, c => Assert.Equal("function", c!["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_signature_in_a_tool_call_id_goes_back_to_Gemini_with_the_replayed_call()
    {
        var completion = await AnswerAsync(GeminiSamples.Answer(GeminiSamples.Call("now", "{}", GeminiSamples.Signature)), """{"model":"gemini-3","messages":[{"role":"user","content":"time?"}]}""");
        var call = completion["choices"]![0]!["message"]!["tool_calls"]![0]!;

        await AnswerAsync(GeminiSamples.Answer(GeminiSamples.Text("noon")), $$$"""
            {"model":"gemini-3","messages":[{"role":"user","content":"time?"},
              {"role":"assistant","content":null,"tool_calls":[{{{call.ToJsonString()}}}]},
              {"role":"tool","tool_call_id":"{{{call["id"]}}}","content":"12:00"}]}
            """);

        var replayed = gemini.LastGeminiBody["contents"]![1]!["parts"]![0]!;
        Assert.Equal(GeminiSamples.SignatureInId, replayed["thoughtSignature"]!.GetValue<string>());
        Assert.Equal(Convert.FromBase64String(GeminiSamples.Signature), Base64UrlDecode(replayed["thoughtSignature"]!.GetValue<string>()));
        Assert.Equal("now", gemini.LastGeminiBody["contents"]![2]!["parts"]![0]!["functionResponse"]!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("SAFETY")]
    [InlineData("RECITATION")]
    [InlineData("PROHIBITED_CONTENT")]
    [InlineData("SPII")]
    [InlineData("BLOCKLIST")]
    public async Task A_safety_stop_is_content_filter_with_the_reason_as_refusal(string reason)
    {
        var completion = await AnswerAsync(GeminiSamples.Answer(GeminiSamples.Text("Partial"), finish: reason, extra: ",\"finishMessage\":\"policy\""));

        var choice = completion["choices"]![0]!;
        Assert.Equal("content_filter", choice["finish_reason"]!.GetValue<string>());
        Assert.Equal("Partial", choice["message"]!["content"]!.GetValue<string>());
        Assert.Equal($"Gemini stopped the answer: {reason} (policy).", choice["message"]!["refusal"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_blocked_prompt_is_one_content_filter_choice_saying_why()
    {
        var completion = await AnswerAsync("""
            {"promptFeedback":{"blockReason":"PROHIBITED_CONTENT","safetyRatings":[]},"usageMetadata":{"promptTokenCount":12,"totalTokenCount":12},"modelVersion":"gemini-2.5-flash"}
            """);

        completion.Remove("id");
        JsonAssert.Equal("""
            {"object":"chat.completion","model":"gemini-2.5-flash",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"Gemini blocked the prompt: PROHIBITED_CONTENT."},"logprobs":null,"finish_reason":"content_filter"}],
             "usage":{"prompt_tokens":12,"completion_tokens":0,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}
            """, completion);
    }

    [Theory]
    [InlineData("MAX_TOKENS", "length")]
    [InlineData("STOP", "stop")]
    [InlineData("MALFORMED_FUNCTION_CALL", "stop")]
    [InlineData("OTHER", "stop")]
    public async Task Finish_reasons_map_to_OpenAIs(string reason, string expected)
    {
        var completion = await AnswerAsync(GeminiSamples.Answer(GeminiSamples.Text("x"), finish: reason));

        Assert.Equal(expected, completion["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Null(completion["choices"]![0]!["message"]!["refusal"]);
    }

    [Fact]
    public async Task Several_candidates_are_several_choices_and_a_missing_usage_is_left_out()
    {
        var completion = await AnswerAsync("""
            {"candidates":[{"content":{"parts":[{"text":"one"}],"role":"model"},"finishReason":"STOP","index":0},
                           {"content":{"parts":[{"text":"two"}],"role":"model"},"finishReason":"MAX_TOKENS","index":1}]}
            """, """{"model":"gemini","messages":[{"role":"user","content":"hi"}],"n":2}""");

        Assert.Equal(["one", "two"], completion["choices"]!.AsArray().Select(c => c!["message"]!["content"]!.GetValue<string>()));
        Assert.Equal(["stop", "length"], completion["choices"]!.AsArray().Select(c => c!["finish_reason"]!.GetValue<string>()));
        Assert.Equal(1, completion["choices"]![1]!["index"]!.GetValue<int>());
        Assert.Null(completion["usage"]);
        Assert.Equal("gemini-2.5-flash", completion["model"]!.GetValue<string>()); // no modelVersion: the deployment's model
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("""{"candidates":[]}""")]
    public async Task An_answer_that_is_no_Gemini_answer_fails_over(string answer)
    {
        gemini.ServeJson(answer);

        using var alone = await gemini.PostAsync(Ask);
        using var withFallback = await gemini.PostAsync("""{"model":"gemini-then-openai","messages":[{"role":"user","content":"hi"}]}""");

        await Json.AssertErrorAsync(alone, 502, "upstream_invalid_response");
        Assert.Equal("from fallback", (await Json.ReadAsync(withFallback))["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    private static byte[] Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }
}
