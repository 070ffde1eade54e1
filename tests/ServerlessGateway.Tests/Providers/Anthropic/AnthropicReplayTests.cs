using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Conformance;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>
/// Every recorded Anthropic answer in ../shared/fixtures/providers/anthropic, served by a fake
/// Anthropic API, comes out of the gateway as an OpenAI answer or stream with exactly the recorded
/// text, tool calls (ids, names, arguments) and usage; recorded errors as OpenAI errors.
/// </summary>
public sealed class AnthropicReplayTests(AnthropicReplayGateway replay) : IClassFixture<AnthropicReplayGateway>
{
    public static IEnumerable<TheoryDataRow<string>> Answers() => AnthropicRecordings.Rows(e => !e.IsStream && !e.IsError);

    public static IEnumerable<TheoryDataRow<string>> Streams() => AnthropicRecordings.Rows(e => e.IsStream);

    public static IEnumerable<TheoryDataRow<string>> Errors() => AnthropicRecordings.Rows(e => e.IsError);

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Answer_comes_out_with_the_recorded_text_tool_calls_and_usage(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = AnthropicRecordings.Get(id);
        var expected = AnthropicExpectation.FromMessage(recording.Body);

        var output = await replay.ReplayAsync(AnthropicReplayGateway.ChatBody(AnthropicReplayGateway.Model, stream: false), recording);

        Assert.Equal(200, output.Status);
        Assert.Equal("application/json", output.MediaType);
        var answer = JsonNode.Parse(output.Body)!;
        var choice = answer["choices"]![0]!;
        var message = choice["message"]!;
        Assert.Equal("assistant", message["role"]!.GetValue<string>());
        Assert.Equal(expected.Text.Length > 0 || expected.ToolCalls.Count == 0 ? expected.Text : null, message["content"]?.GetValue<string>());
        var calls = message["tool_calls"]?.AsArray() ?? [];
        Assert.Equal(expected.ToolCalls.Count, calls.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            Assert.Equal(expected.ToolCalls[i].Id, calls[i]!["id"]!.GetValue<string>());
            Assert.Equal(expected.ToolCalls[i].Name, calls[i]!["function"]!["name"]!.GetValue<string>());
            Golden.AssertJsonEqual(JsonNode.Parse(expected.ToolCalls[i].Arguments), JsonNode.Parse(calls[i]!["function"]!["arguments"]!.GetValue<string>()), "arguments");
        }

        Assert.Equal(expected.FinishReason, choice["finish_reason"]!.GetValue<string>());
        AssertUsage(expected, answer["usage"]!);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Stream_comes_out_with_the_recorded_text_tool_calls_and_usage(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = AnthropicRecordings.Get(id);
        var expected = AnthropicExpectation.FromStream(recording.Body);
        foreach (var includeUsage in new[] { true, false })
        {
            var output = await replay.ReplayAsync(AnthropicReplayGateway.ChatBody(AnthropicReplayGateway.Model, stream: true, includeUsage), recording);

            Assert.Equal(200, output.Status);
            Assert.Equal("text/event-stream", output.MediaType);
            var payloads = SseTranscript.Payloads(output.Text);
            Assert.Equal(SseTranscript.Done, payloads[^1]);
            Assert.Single(payloads, p => p == SseTranscript.Done);
            var chunks = payloads[..^1].Select(p => JsonNode.Parse(p)!).ToList();
            Assert.All(chunks, c => Assert.Null(c["error"]));
            Assert.Equal("assistant", chunks[0]["choices"]![0]!["delta"]!["role"]!.GetValue<string>());

            var assembled = StreamAssembly.Assemble(payloads);
            Assert.Equal(expected.Text, assembled.GetValueOrDefault("choice0.content", ""));
            for (var i = 0; i < expected.ToolCalls.Count; i++)
            {
                Assert.Equal(expected.ToolCalls[i].Id, assembled[$"choice0.tool{i}.id"]);
                Assert.Equal(expected.ToolCalls[i].Name, assembled[$"choice0.tool{i}.name"]);
                Assert.Equal(expected.ToolCalls[i].Arguments, assembled[$"choice0.tool{i}.arguments"]); // fragments pass through unchanged
            }

            Assert.DoesNotContain($"choice0.tool{expected.ToolCalls.Count}.name", assembled.Keys);
            var finish = chunks.Last(c => c["choices"]!.AsArray().Count > 0)["choices"]![0]!["finish_reason"]!.GetValue<string>();
            Assert.Equal(expected.FinishReason, finish);
            var usageChunks = chunks.Where(c => c["usage"] is JsonObject).ToList();
            if (includeUsage)
            {
                AssertUsage(expected, Assert.Single(usageChunks)["usage"]!);
                Assert.Empty(usageChunks[0]["choices"]!.AsArray());
            }
            else
            {
                Assert.Empty(usageChunks);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Error_reaches_the_caller_as_an_OpenAI_error_with_Anthropics_message(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = AnthropicRecordings.Get(id);
        var recorded = JsonNode.Parse(recording.Body)!["error"]!;

        var output = await replay.ReplayAsync(AnthropicReplayGateway.ChatBody(AnthropicReplayGateway.Model, stream: false), recording);

        Assert.Equal(recording.Status == 529 ? 503 : recording.Status, output.Status);
        Assert.Equal("application/json", output.MediaType);
        var error = JsonNode.Parse(output.Body)!["error"]!;
        Assert.StartsWith(recorded["message"]!.GetValue<string>(), error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(recorded["type"]!.GetValue<string>(), error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Recorded_rate_limits_fail_over_to_the_next_deployment_until_the_stream_that_followed()
    {
        SharedMaterial.SkipIfAbsent();
        var exchanges = AnthropicRecordings.File("anthropic/anthropic-sdk-python/recording.429-rate-limit-then-stream.json");
        Assert.Equal([429, 429, 200], exchanges.Select(e => e.Status));

        var output = await replay.ReplayAsync(AnthropicReplayGateway.ChatBody(AnthropicReplayGateway.FailoverModel, stream: true), [.. exchanges]);

        Assert.Equal(200, output.Status);
        Assert.Equal(3, output.Attempts);
        Assert.Equal(["first", "second", "third"], output.UpstreamRequests.Select(r => JsonNode.Parse(r.Body)!["model"]!.GetValue<string>()));
        var payloads = SseTranscript.Payloads(output.Text);
        Assert.Equal(SseTranscript.Done, payloads[^1]);
        Assert.Equal("[12345,67890]", StreamAssembly.Assemble(payloads)["choice0.content"]);
    }

    private static void AssertUsage(AnthropicExpectation expected, JsonNode usage)
    {
        Assert.Equal(expected.PromptTokens, usage["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(expected.CompletionTokens, usage["completion_tokens"]!.GetValue<long>());
        Assert.Equal(expected.PromptTokens + expected.CompletionTokens, usage["total_tokens"]!.GetValue<long>());
        Assert.Equal(expected.CachedTokens, usage["prompt_tokens_details"]!["cached_tokens"]!.GetValue<long>());
    }
}
