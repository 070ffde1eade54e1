using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Tests.Inbound.Anthropic;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// Recorded OpenAI-format answers (OpenAI, Ollama, Azure OpenAI) served by a fake upstream to an Anthropic
/// caller of /v1/messages: each must come out as a valid Anthropic message or event sequence carrying the
/// same text, tool calls and usage, and each recorded error with its status and message.
/// </summary>
public sealed class AnthropicInboundReplayTests(ReplayGateway replay) : IClassFixture<ReplayGateway>
{
    public static IEnumerable<TheoryDataRow<string>> Answers() => RecordingCatalog.Rows(r => r.Kind == RecordingKind.Chat);

    public static IEnumerable<TheoryDataRow<string>> Streams() => RecordingCatalog.Rows(r => r.Kind == RecordingKind.Stream);

    public static IEnumerable<TheoryDataRow<string>> Errors() => RecordingCatalog.Rows(r => r.Kind == RecordingKind.Error);

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Recorded_answer_becomes_an_Anthropic_message_with_the_same_content(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = RecordingCatalog.Get(id);

        var (status, mediaType, body) = await ReplayAsync(recording, stream: false);

        Assert.True(status == 200, body);
        Assert.Equal("application/json", mediaType);
        var message = AnthropicEvents.AssertMessage(JsonNode.Parse(body)!);
        var choice = JsonNode.Parse(recording.Body)!["choices"]!.AsArray().First(c => c!["index"]!.GetValue<int>() == 0)!;
        var answer = choice["message"]!;
        var calls = (answer["tool_calls"] as JsonArray ?? []).Select(c => (c!["function"]!["name"]!.GetValue<string>(), c["function"]!["arguments"]!.GetValue<string>())).ToList();
        var refusal = answer["refusal"]?.GetValue<string>();
        AssertSameAnswer(message, answer["content"]?.GetValue<string>() + refusal, calls, choice["finish_reason"]?.GetValue<string>(), refusal is not null);
        AssertSameUsage(JsonNode.Parse(recording.Body)!["usage"], message.Usage);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Recorded_stream_becomes_Anthropic_events_with_the_same_content(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = RecordingCatalog.Get(id);

        var (status, mediaType, body) = await ReplayAsync(recording, stream: true);

        Assert.True(status == 200, body);
        Assert.Equal("text/event-stream", mediaType);
        var message = AnthropicEvents.AssertCompleteStream(AnthropicEvents.Parse(body));
        var payloads = SseTranscript.Payloads(Encoding.UTF8.GetString(recording.Body));
        var sent = StreamAssembly.Assemble(payloads);
        var calls = sent.Keys.Where(k => k.StartsWith("choice0.tool", StringComparison.Ordinal) && k.EndsWith(".name", StringComparison.Ordinal))
            .Select(k => (sent[k], sent.GetValueOrDefault(k[..^".name".Length] + ".arguments", "")))
            .ToList();
        var refusal = sent.GetValueOrDefault("choice0.refusal");
        var finish = payloads.Where(p => p != SseTranscript.Done)
            .SelectMany(p => JsonNode.Parse(p)!["choices"] as JsonArray ?? [])
            .Where(c => c!["index"]!.GetValue<int>() == 0)
            .Select(c => c!["finish_reason"]?.GetValue<string>())
            .LastOrDefault(f => f is not null);
        AssertSameAnswer(message, sent.GetValueOrDefault("choice0.content", "") + refusal, calls, finish, refusal is not null);
        var usage = payloads.Where(StreamAssembly.IsUsageOnly).Select(p => JsonNode.Parse(p)!["usage"]).LastOrDefault();
        if (usage is not null)
        {
            AssertSameUsage(usage, message.Usage);
        }
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Recorded_error_keeps_its_status_and_message_as_an_Anthropic_error(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = RecordingCatalog.Get(id);

        var (status, mediaType, body) = await ReplayAsync(recording, stream: recording.RequestStreamed);

        Assert.Equal(recording.Status, status);
        Assert.Equal("application/json", mediaType);
        var expectedType = recording.Status switch { 401 => "authentication_error", 404 => "not_found_error", 429 => "rate_limit_error", >= 500 => "api_error", _ => "invalid_request_error" };
        var error = AnthropicEvents.AssertError(body, expectedType);
        var upstreamError = JsonNode.Parse(recording.Body)!["error"]!;
        var upstreamMessage = upstreamError is JsonObject ? upstreamError["message"]!.GetValue<string>() : upstreamError.GetValue<string>();
        Assert.Contains(upstreamMessage, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static void AssertSameAnswer(AssembledMessage message, string text, List<(string Name, string Arguments)> calls, string? finish, bool refused)
    {
        Assert.Equal(text, message.Text);
        Assert.Equal(calls.Select(c => c.Name), message.ToolUses.Select(t => t.Name));
        foreach (var (call, block) in calls.Zip(message.ToolUses))
        {
            AnthropicEvents.AssertJsonEqual(call.Arguments, block.Input);
        }

        Assert.DoesNotContain(message.Blocks, b => b.Type == "thinking"); // thinking was not asked for
        var expected = refused || finish == "content_filter" ? "refusal"
            : finish == "length" ? "max_tokens"
            : calls.Count > 0 ? "tool_use"
            : "end_turn";
        Assert.Equal(expected, message.StopReason);
    }

    private static void AssertSameUsage(JsonNode? openAI, JsonNode? anthropic)
    {
        Assert.NotNull(openAI);
        var cached = openAI["prompt_tokens_details"]?["cached_tokens"]?.GetValue<long>() ?? 0;
        Assert.Equal(openAI["prompt_tokens"]!.GetValue<long>() - cached, anthropic!["input_tokens"]!.GetValue<long>());
        Assert.Equal(cached, anthropic["cache_read_input_tokens"]!.GetValue<long>());
        Assert.Equal(openAI["completion_tokens"]!.GetValue<long>(), anthropic["output_tokens"]!.GetValue<long>());
    }

    private async Task<(int Status, string? MediaType, string Body)> ReplayAsync(Recording recording, bool stream)
    {
        replay.Upstream.Handler = async context =>
        {
            context.Response.StatusCode = recording.Status;
            context.Response.ContentType = recording.ContentType;
            await context.Response.Body.WriteAsync(recording.Body);
        };
        var model = recording.IsAzure ? ReplayGateway.AzureModel : ReplayGateway.OpenAIModel;
        var request = $$"""{"model":"{{model}}","max_tokens":256,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Replay the recording."}]}""";
        using var client = replay.Gateway.CreateClient(null);
        client.DefaultRequestHeaders.Add("x-api-key", GatewayHost.Key);
        using var response = await client.PostAsync("/v1/messages", Json.Body(request));
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }
}
