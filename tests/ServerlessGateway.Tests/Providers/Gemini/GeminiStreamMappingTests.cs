using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Tests.Conformance;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>Golden stream mapping: streamGenerateContent?alt=sse events from the fake Gemini, and the OpenAI chunks the caller read.</summary>
public sealed class GeminiStreamMappingTests(GeminiGateway gemini) : IClassFixture<GeminiGateway>
{
    private const string Ask = """{"model":"gemini","messages":[{"role":"user","content":"hi"}],"stream":true}""";
    private const string AskWithUsage = """{"model":"gemini","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""";

    /// <summary>The payloads the caller read ("[DONE]" included), after checking every chunk's envelope.</summary>
    private async Task<List<string>> StreamAsync(string sse, string request = Ask)
    {
        gemini.ServeSse(sse);
        using var response = await gemini.PostAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var payloads = SseTranscript.Payloads(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        foreach (var chunk in payloads.Where(p => p != SseTranscript.Done && !p.StartsWith("{\"error\"", StringComparison.Ordinal)).Select(p => JsonNode.Parse(p)!))
        {
            Assert.Equal("chat.completion.chunk", chunk["object"]!.GetValue<string>());
            Assert.Equal("chatcmpl-resp-2", chunk["id"]!.GetValue<string>());
            Assert.Equal("gemini-2.5-flash", chunk["model"]!.GetValue<string>());
        }

        return payloads;
    }

    /// <summary>A chunk's choices, without the envelope, for golden comparisons.</summary>
    private static JsonNode? Choices(string payload) => JsonNode.Parse(payload)!["choices"];

    [Fact]
    public async Task Text_arrives_as_deltas_role_first_and_finish_last_then_DONE()
    {
        var payloads = await StreamAsync(GeminiSamples.Sse(
            GeminiSamples.Event(GeminiSamples.Text("The")),
            GeminiSamples.Event(GeminiSamples.Text("Let me think", thought: true)),
            GeminiSamples.Event(GeminiSamples.Text(" capital")),
            GeminiSamples.Event(GeminiSamples.Text(" is Rome."), "STOP", GeminiSamples.Usage(7, 10, thoughts: 5))));

        Assert.Equal(5, payloads.Count); // the thought-only event adds nothing
        JsonAssert.Equal("""[{"index":0,"delta":{"role":"assistant","content":"The"},"logprobs":null,"finish_reason":null}]""", Choices(payloads[0]));
        JsonAssert.Equal("""[{"index":0,"delta":{"content":" capital"},"logprobs":null,"finish_reason":null}]""", Choices(payloads[1]));
        JsonAssert.Equal("""[{"index":0,"delta":{"content":" is Rome."},"logprobs":null,"finish_reason":null}]""", Choices(payloads[2]));
        JsonAssert.Equal("""[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]""", Choices(payloads[3])); // sent at the clean close
        Assert.Equal(SseTranscript.Done, payloads[4]);
    }

    [Fact]
    public async Task Each_delta_reaches_the_caller_before_Gemini_sends_the_next()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gemini.Serve(async context =>
        {
            await Respond.StartSse(context);
            await context.Response.WriteAsync(GeminiSamples.Sse(GeminiSamples.Event(GeminiSamples.Text("first"))), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await release.Task.WaitAsync(TimeSpan.FromSeconds(10), context.RequestAborted);
            await context.Response.WriteAsync(GeminiSamples.Sse(GeminiSamples.Event(GeminiSamples.Text(" second"), "STOP")), context.RequestAborted);
        });

        var (response, events) = await SseClient.OpenAsync(gemini.Gateway.Client, "/v1/chat/completions", Ask, TestContext.Current.CancellationToken);
        using (response)
        using (events)
        {
            var first = await events.NextAsync(TestContext.Current.CancellationToken);
            Assert.Equal("first", JsonNode.Parse(first!)!["choices"]![0]!["delta"]!["content"]!.GetValue<string>());
            release.SetResult();
            var rest = await events.RestAsync(TestContext.Current.CancellationToken);
            Assert.Equal(" second", JsonNode.Parse(rest[0])!["choices"]![0]!["delta"]!["content"]!.GetValue<string>());
            Assert.Equal(SseTranscript.Done, rest[^1]);
        }
    }

    [Fact]
    public async Task The_usage_chunk_comes_last_when_asked_for_with_the_last_counts()
    {
        var sse = GeminiSamples.Sse(
            GeminiSamples.Event(GeminiSamples.Text("a"), usage: GeminiSamples.Usage(7, 1)),
            GeminiSamples.Event(GeminiSamples.Text("b"), "STOP", GeminiSamples.Usage(7, 2, thoughts: 40, cached: 3)));

        var asked = await StreamAsync(sse, AskWithUsage);
        var notAsked = await StreamAsync(sse);

        Assert.Equal(5, asked.Count);
        var usage = JsonNode.Parse(asked[3])!;
        JsonAssert.Equal("[]", usage["choices"]);
        JsonAssert.Equal("""
            {"prompt_tokens":7,"completion_tokens":42,"total_tokens":49,"prompt_tokens_details":{"cached_tokens":3},"completion_tokens_details":{"reasoning_tokens":40}}
            """, usage["usage"]);
        Assert.Equal(SseTranscript.Done, asked[4]);
        Assert.Equal(4, notAsked.Count);
        Assert.DoesNotContain(notAsked, StreamAssembly.IsUsageOnly);
    }

    [Fact]
    public async Task Function_calls_arrive_as_whole_tool_calls_with_their_index()
    {
        var payloads = await StreamAsync(GeminiSamples.Sse(
            GeminiSamples.Event(GeminiSamples.Call("get_weather", """{"city":"Paris"}""", GeminiSamples.Signature)),
            GeminiSamples.Event(GeminiSamples.Call("get_weather", """{"city":"Rome"}""") + "," + GeminiSamples.Text("")),
            GeminiSamples.Event(GeminiSamples.Text(""), "STOP")));

        Assert.Equal(4, payloads.Count);
        var first = JsonNode.Parse(payloads[0])!["choices"]![0]!["delta"]!;
        Assert.Equal("assistant", first["role"]!.GetValue<string>());
        Assert.Null(first["content"]);
        var call = first["tool_calls"]![0]!;
        Assert.Equal(0, call["index"]!.GetValue<int>());
        Assert.EndsWith("__sig_" + GeminiSamples.SignatureInId, call["id"]!.GetValue<string>(), StringComparison.Ordinal);
        JsonAssert.Equal("""{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}""", call["function"]);
        Assert.Equal(1, JsonNode.Parse(payloads[1])!["choices"]![0]!["delta"]!["tool_calls"]![0]!["index"]!.GetValue<int>());
        JsonAssert.Equal("""[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}]""", Choices(payloads[2]));
        Assert.Equal(SseTranscript.Done, payloads[3]);
    }

    [Fact]
    public async Task Arguments_streamed_with_willContinue_are_assembled_into_whole_calls()
    {
        var payloads = await StreamAsync(GeminiSamples.Sse(
            GeminiSamples.Event("""{"functionCall":{"name":"book","willContinue":true},"thoughtSignature":"AAAA"}"""),
            GeminiSamples.Event("""{"functionCall":{"partialArgs":[{"jsonPath":"$.city","stringValue":"San ","willContinue":true}],"willContinue":true}}"""),
            GeminiSamples.Event("""{"functionCall":{"partialArgs":[{"jsonPath":"$.city","stringValue":"Francisco"},{"jsonPath":"$.guests[0].age","numberValue":42}],"willContinue":true}}"""),
            GeminiSamples.Event("""{"functionCall":{"partialArgs":[{"jsonPath":"$['flags'].vip","boolValue":true}],"willContinue":true}}"""),
            GeminiSamples.Event("""{"functionCall":{}}"""),
            GeminiSamples.Event("""{"functionCall":{"name":"now","willContinue":true}}"""),
            GeminiSamples.Event("""{"functionCall":{}}""", "STOP")));

        var assembled = StreamAssembly.Assemble(payloads);
        Assert.Equal("book", assembled["choice0.tool0.name"]);
        JsonAssert.Equal("""{"city":"San Francisco","guests":[{"age":42}],"flags":{"vip":true}}""", JsonNode.Parse(assembled["choice0.tool0.arguments"]));
        Assert.EndsWith("__sig_AAAA", assembled["choice0.tool0.id"], StringComparison.Ordinal);
        Assert.Equal("now", assembled["choice0.tool1.name"]);
        Assert.Equal("{}", assembled["choice0.tool1.arguments"]);
        Assert.Equal("tool_calls", JsonNode.Parse(payloads[^2])!["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(SseTranscript.Done, payloads[^1]);
    }

    [Fact]
    public async Task A_blocked_prompt_streams_one_content_filter_chunk_and_ends_cleanly()
    {
        var payloads = await StreamAsync(GeminiSamples.Sse("""{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},"responseId":"resp-2","modelVersion":"gemini-2.5-flash"}"""));

        Assert.Equal(2, payloads.Count);
        JsonAssert.Equal("""[{"index":0,"delta":{"role":"assistant","refusal":"Gemini blocked the prompt: SAFETY."},"logprobs":null,"finish_reason":"content_filter"}]""", Choices(payloads[0]));
        Assert.Equal(SseTranscript.Done, payloads[1]);
    }

    [Fact]
    public async Task A_safety_stop_mid_answer_ends_with_content_filter_and_the_reason()
    {
        var payloads = await StreamAsync(GeminiSamples.Sse(
            GeminiSamples.Event(GeminiSamples.Text("Once upon")),
            """{"candidates":[{"finishReason":"RECITATION","index":0}],"responseId":"resp-2","modelVersion":"gemini-2.5-flash"}"""));

        JsonAssert.Equal("""[{"index":0,"delta":{"refusal":"Gemini stopped the answer: RECITATION."},"logprobs":null,"finish_reason":"content_filter"}]""", Choices(payloads[1]));
        Assert.Equal(SseTranscript.Done, payloads[2]);
    }

    [Fact]
    public async Task A_last_event_without_its_blank_line_still_counts()
    {
        var payloads = await StreamAsync(GeminiSamples.Sse(GeminiSamples.Event(GeminiSamples.Text("Hello"))) + "data: " + GeminiSamples.Event(GeminiSamples.Text(" world"), "STOP") + "\n");

        Assert.Equal("Hello world", StreamAssembly.Assemble(payloads)["choice0.content"]);
        Assert.Equal(SseTranscript.Done, payloads[^1]);
    }

    [Fact]
    public async Task A_stream_of_one_event_without_its_blank_line_is_still_an_answer()
    {
        var payloads = await StreamAsync("data: " + """{"promptFeedback":{"blockReason":"SAFETY"},"responseId":"resp-2","modelVersion":"gemini-2.5-flash"}""" + "\r\n");

        Assert.Equal("content_filter", JsonNode.Parse(payloads[0])!["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(SseTranscript.Done, payloads[^1]);
    }

    [Theory]
    [InlineData("no finishReason", "")]
    [InlineData("cut inside an event", "data: {\"candidates\":[{\"content\":{\"par")]
    [InlineData("raw error body after the end", "{\n  \"error\": {\n    \"code\": 499,\n    \"message\": \"The operation was cancelled.\"\n  }\n}\n")]
    public async Task A_stream_that_does_not_end_cleanly_ends_with_an_error_and_no_DONE(string why, string tail)
    {
        var finished = why == "raw error body after the end";
        var payloads = await StreamAsync(GeminiSamples.Sse(
            GeminiSamples.Event(GeminiSamples.Text("Half an")),
            GeminiSamples.Event(GeminiSamples.Text(" answer"), finished ? "STOP" : null)) + tail);

        Assert.Equal("Half an answer", StreamAssembly.Assemble(payloads.Where(p => !p.StartsWith("{\"error\"", StringComparison.Ordinal)))["choice0.content"]);
        Assert.DoesNotContain(SseTranscript.Done, payloads);
        Assert.Equal("upstream_stream_incomplete", JsonNode.Parse(payloads[^1])!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_error_event_mid_stream_reaches_the_caller_with_Geminis_message_and_no_DONE()
    {
        var payloads = await StreamAsync(GeminiSamples.Sse(
            GeminiSamples.Event(GeminiSamples.Text("Half")),
            GeminiSamples.Error(503, "UNAVAILABLE", "The model is overloaded.")));

        Assert.DoesNotContain(SseTranscript.Done, payloads);
        Assert.Equal(2, payloads.Count); // Gemini's error is the one in-band error: the relay adds none of its own
        var error = JsonNode.Parse(payloads[1])!["error"]!;
        Assert.Equal("The model is overloaded.", error["message"]!.GetValue<string>());
        Assert.Equal("unavailable", error["code"]!.GetValue<string>());
        Assert.Equal("server_error", error["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stream_that_fails_before_its_first_event_fails_over()
    {
        gemini.Serve(context => Respond.Json(context, 503, GeminiSamples.Error(503, "UNAVAILABLE", "overloaded")));
        using var failedOver = await gemini.PostAsync("""{"model":"gemini-then-openai","messages":[{"role":"user","content":"hi"}],"stream":true}""");
        var fromFallback = SseTranscript.Payloads(await failedOver.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(GeminiGateway.Fallback, StreamAssembly.Assemble(fromFallback)["choice0.content"]);
        Assert.Equal(SseTranscript.Done, fromFallback[^1]);

        gemini.ServeSse("");
        using var empty = await gemini.PostAsync(Ask);
        await Json.AssertErrorAsync(empty, 502, "upstream_invalid_response");
    }

    [Fact]
    public async Task An_error_as_the_first_event_of_a_200_stream_fails_over_as_its_status_would()
    {
        gemini.ServeSse(GeminiSamples.Sse(GeminiSamples.Error(503, "UNAVAILABLE", "The model is overloaded.")));

        using var failedOver = await gemini.PostAsync("""{"model":"gemini-then-openai","messages":[{"role":"user","content":"hi"}],"stream":true}""");
        using var alone = await gemini.PostAsync(Ask);

        var fromFallback = SseTranscript.Payloads(await failedOver.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(GeminiGateway.Fallback, StreamAssembly.Assemble(fromFallback)["choice0.content"]);
        Assert.Equal("2", failedOver.Headers.GetValues("x-gateway-attempts").Single());
        var error = await Json.AssertErrorAsync(alone, 503, "unavailable");
        Assert.Contains("The model is overloaded.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_candidates_stream_as_several_choices_and_end_when_all_have_finished()
    {
        static string Two(string a, string? finishA, string b, string? finishB) =>
            $$"""{"candidates":[{"content":{"parts":[{"text":"{{a}}"}],"role":"model"}{{(finishA is null ? "" : $",\"finishReason\":\"{finishA}\"")}},"index":0},{"content":{"parts":[{"text":"{{b}}"}],"role":"model"}{{(finishB is null ? "" : $",\"finishReason\":\"{finishB}\"")}},"index":1}],"responseId":"resp-2","modelVersion":"gemini-2.5-flash"}""";

        var complete = await StreamAsync(GeminiSamples.Sse(Two("a", null, "x", null), Two("b", "STOP", "y", null), "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"z\"}],\"role\":\"model\"},\"finishReason\":\"MAX_TOKENS\",\"index\":1}],\"responseId\":\"resp-2\",\"modelVersion\":\"gemini-2.5-flash\"}"));
        var cut = await StreamAsync(GeminiSamples.Sse(Two("a", null, "x", null), Two("b", "STOP", "y", null)));

        var assembled = StreamAssembly.Assemble(complete);
        Assert.Equal("ab", assembled["choice0.content"]);
        Assert.Equal("xyz", assembled["choice1.content"]);
        Assert.Equal(SseTranscript.Done, complete[^1]);
        Assert.DoesNotContain(SseTranscript.Done, cut); // choice 1 never finished
    }
}
