using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerlessGateway.Tests.Conformance;
using ServerlessGateway.Tests.Infrastructure;
using Document = ServerlessGateway.Tests.Conformance.SpecValidator.Document;

namespace ServerlessGateway.Tests.Providers.Gemini;

/// <summary>
/// Conformance replay: every recorded Gemini answer, stream and error in ../shared/fixtures/providers/google,
/// served by the fake Gemini endpoint, comes out of the gateway as OpenAI's shapes with the recording's
/// exact text, tool-call names and arguments, finish reasons (safety and prompt blocks as content_filter)
/// and usage — and valid per OpenAI's OpenAPI schemas.
/// </summary>
public sealed partial class GeminiReplayTests(GeminiGateway gemini) : IClassFixture<GeminiGateway>
{
    public static IEnumerable<TheoryDataRow<string>> Answers() => GeminiRecordings.Rows(r => r.Kind == RecordingKind.Chat);

    public static IEnumerable<TheoryDataRow<string, bool>> Streams() => GeminiRecordings.StreamRows();

    public static IEnumerable<TheoryDataRow<string>> Errors() => GeminiRecordings.Rows(r => r.Kind == RecordingKind.Error);

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Answer_comes_out_as_a_chat_completion_with_the_recorded_content_and_usage(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = GeminiRecordings.Get(id);
        var expected = GeminiExpectation.ForAnswer(recording.Body);

        var output = await ReplayAsync(recording);

        Assert.True(output.Status == 200, output.Text);
        var completion = JsonNode.Parse(output.Body)!;
        var choices = completion["choices"]!.AsArray();
        Assert.Equal(expected.Choices.Keys, choices.Select(c => c!["index"]!.GetValue<int>()));
        foreach (var choice in choices)
        {
            var want = expected.Choices[choice!["index"]!.GetValue<int>()];
            var message = choice["message"]!;
            Assert.Equal(want.Text.ToString(), message["content"]?.GetValue<string>() ?? "");
            AssertCalls(want, (message["tool_calls"] as JsonArray ?? []).Select(c => (c!["function"]!["name"]!.GetValue<string>(), c["function"]!["arguments"]!.GetValue<string>())));
            Assert.Equal(want.Finish, choice["finish_reason"]!.GetValue<string>());
            Assert.Equal(want.Refused, message["refusal"] is not null);
        }

        AssertUsage(expected, completion["usage"]);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Stream_comes_out_as_chunks_that_add_up_to_the_recorded_answer(string id, bool includeUsage)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = GeminiRecordings.Get(id);
        var expected = GeminiExpectation.ForStream(recording.Body);

        var output = await ReplayAsync(recording, includeUsage);

        Assert.True(output.Status == 200, output.Text);
        Assert.Equal("text/event-stream", output.MediaType);
        var payloads = SseTranscript.Payloads(output.Text);
        var chunks = payloads.Where(p => p != SseTranscript.Done && !IsError(p)).ToList();
        var assembled = StreamAssembly.Assemble(chunks);
        foreach (var (index, want) in expected.Choices)
        {
            Assert.Equal(want.Text.ToString(), assembled.GetValueOrDefault($"choice{index}.content", ""));
            AssertCalls(want, Enumerable.Range(0, want.Calls.Count).Select(n => (assembled[$"choice{index}.tool{n}.name"], assembled[$"choice{index}.tool{n}.arguments"])));
            Assert.False(assembled.ContainsKey($"choice{index}.tool{want.Calls.Count}.name"));
            var finishes = chunks.SelectMany(c => JsonNode.Parse(c)!["choices"]!.AsArray())
                .Where(c => c!["index"]!.GetValue<int>() == index && c["finish_reason"] is not null)
                .Select(c => c!["finish_reason"]!.GetValue<string>()).ToList();
            // finish_reason (and a content_filter's refusal) come once, at the clean close: a broken stream has none.
            Assert.Equal(want.Finish is null || !expected.Complete ? [] : [want.Finish], finishes);
            Assert.Equal(want.Refused && expected.Complete, assembled.ContainsKey($"choice{index}.refusal"));
        }

        Assert.Equal(expected.Choices.Keys.Select(i => $"choice{i}."), assembled.Keys.Select(k => k[..(k.IndexOf('.', StringComparison.Ordinal) + 1)]).Distinct());
        if (expected.Complete)
        {
            Assert.Single(payloads, p => p == SseTranscript.Done);
            Assert.Equal(SseTranscript.Done, payloads[^1]);
        }
        else
        {
            Assert.DoesNotContain(SseTranscript.Done, payloads);
            Assert.True(IsError(payloads[^1]), payloads[^1]);
        }

        var usageChunks = chunks.Where(StreamAssembly.IsUsageOnly).ToList();
        if (includeUsage && expected.Complete && expected.Usage is not null)
        {
            Assert.Equal(usageChunks.Single(), chunks[^1]);
            AssertUsage(expected, JsonNode.Parse(usageChunks[0])!["usage"]);
        }
        else
        {
            Assert.Empty(usageChunks);
        }
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Error_comes_out_as_an_OpenAI_error_with_the_recorded_status_and_message(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = GeminiRecordings.Get(id);
        var error = JsonNode.Parse(recording.Body)!["error"]!;
        var invalidKey = error["details"]?.AsArray().Any(d => d!["reason"]?.GetValue<string>() == "API_KEY_INVALID") == true;

        var output = await ReplayAsync(recording);

        Assert.Equal(invalidKey ? 401 : recording.Status, output.Status); // a bad key is Gemini's 400, the deployment's fault
        Assert.Equal("application/json", output.MediaType);
        Assert.Equal(error["message"]!.GetValue<string>(), JsonNode.Parse(output.Body)!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_quota_error_with_RetryInfo_tells_the_caller_when_to_retry()
    {
        SharedMaterial.SkipIfAbsent();
        var recording = GeminiRecordings.Get("google/vercel-ai/google-429-retry-info.json");
        gemini.Serve(context => Serve(context, recording));

        using var response = await gemini.PostAsync(ChatBody(recording, false));

        var delay = JsonNode.Parse(recording.Body)!["error"]!["details"]!.AsArray().Single(d => d!["retryDelay"] is not null)!["retryDelay"]!.GetValue<string>();
        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(Math.Ceiling(double.Parse(delay.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture))), response.Headers.RetryAfter?.Delta);
    }

    /// <summary>Everything replayed, validated against OpenAI's schemas (error events inside streams against the error schema).</summary>
    [Fact]
    public async Task Replayed_recordings_reach_the_client_as_valid_OpenAI_responses()
    {
        SpecValidator.SkipIfUnavailable();
        var bySchema = new Dictionary<string, List<Document>>
        {
            [SpecValidator.ChatCompletion] = [],
            [SpecValidator.ChatCompletionChunk] = [],
            [SpecValidator.Error] = [],
        };
        foreach (var recording in GeminiRecordings.All())
        {
            var output = await ReplayAsync(recording, includeUsage: true);
            var name = FileNameUnsafe().Replace(recording.Id, "_");
            switch (recording.Kind)
            {
                case RecordingKind.Stream:
                    var payloads = SseTranscript.Payloads(output.Text);
                    var chunks = string.Concat(payloads.Where(p => !IsError(p)).Select(p => $"data: {p}\n\n"));
                    bySchema[SpecValidator.ChatCompletionChunk].Add(new Document(name + ".sse", Encoding.UTF8.GetBytes(chunks)));
                    foreach (var (error, n) in payloads.Where(IsError).Select((e, n) => (e, n)))
                    {
                        bySchema[SpecValidator.Error].Add(new Document($"{name}.error{n}.json", Encoding.UTF8.GetBytes(error)));
                    }

                    break;
                case RecordingKind.Chat:
                    bySchema[SpecValidator.ChatCompletion].Add(new Document(name + ".json", output.Body));
                    break;
                default:
                    bySchema[SpecValidator.Error].Add(new Document(name + ".json", output.Body));
                    break;
            }
        }

        foreach (var (schema, documents) in bySchema)
        {
            await SpecValidator.AssertValidAsync(schema, documents);
        }
    }

    private static void AssertCalls(ExpectedChoice want, IEnumerable<(string Name, string Arguments)> actual)
    {
        var calls = actual.ToList();
        Assert.Equal(want.Calls.Select(c => c.Name), calls.Select(c => c.Name));
        for (var i = 0; i < calls.Count; i++)
        {
            JsonAssert.Equal(want.Calls[i].Arguments.ToJsonString(), JsonNode.Parse(calls[i].Arguments));
        }
    }

    private static void AssertUsage(GeminiExpectation expected, JsonNode? usage)
    {
        if (expected.Usage is not { } counts)
        {
            Assert.Null(usage);
            return;
        }

        Assert.NotNull(usage);
        Assert.Equal(counts.Prompt, usage["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(counts.Completion, usage["completion_tokens"]!.GetValue<long>());
        Assert.Equal(counts.Prompt + counts.Completion, usage["total_tokens"]!.GetValue<long>());
        Assert.Equal(counts.Cached, usage["prompt_tokens_details"]!["cached_tokens"]!.GetValue<long>());
        Assert.Equal(counts.Reasoning, usage["completion_tokens_details"]!["reasoning_tokens"]!.GetValue<long>());
    }

    private async Task<ReplayOutput> ReplayAsync(Recording recording, bool includeUsage = false)
    {
        gemini.Serve(context => Serve(context, recording));
        using var response = await gemini.PostAsync(ChatBody(recording, includeUsage));
        return new ReplayOutput((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync(), gemini.Upstream.LastRequest);
    }

    private static string ChatBody(Recording recording, bool includeUsage) =>
        """{"model":"gemini","messages":[{"role":"user","content":"Replay the recording."}]"""
        + (recording.RequestStreamed ? includeUsage ? ""","stream":true,"stream_options":{"include_usage":true}""" : ""","stream":true""" : "")
        + "}";

    private static async Task Serve(Microsoft.AspNetCore.Http.HttpContext context, Recording recording)
    {
        context.Response.StatusCode = recording.Status;
        context.Response.ContentType = recording.ContentType;
        await context.Response.Body.WriteAsync(recording.Body);
    }

    private static bool IsError(string payload) => payload.StartsWith("{\"error\"", StringComparison.Ordinal);

    [GeneratedRegex("[^A-Za-z0-9.-]")]
    private static partial Regex FileNameUnsafe();
}
