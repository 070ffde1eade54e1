using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Conformance;
using ServerlessGateway.Tests.Infrastructure;
using ServerlessGateway.Tests.Providers.Anthropic;

namespace ServerlessGateway.Tests.Inbound.Anthropic;

/// <summary>
/// Every recorded Anthropic exchange in ../shared/fixtures/providers/anthropic, replayed through POST
/// /v1/messages to an Anthropic-backed model: the recorded request (when the recording has it) reaches the
/// fake Anthropic API byte for byte but the model name; the recorded answer comes back byte for byte, the
/// recorded stream event for event, the recorded error with its status and body.
/// </summary>
public sealed class NativePassThroughReplayTests(AnthropicReplayGateway replay) : IClassFixture<AnthropicReplayGateway>
{
    public static IEnumerable<TheoryDataRow<string>> Answers() => AnthropicRecordings.Rows(e => !e.IsStream && !e.IsError);

    public static IEnumerable<TheoryDataRow<string>> Streams() => AnthropicRecordings.Rows(e => e.IsStream);

    public static IEnumerable<TheoryDataRow<string>> Errors() => AnthropicRecordings.Rows(e => e.IsError);

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task The_recorded_answer_comes_back_byte_for_byte(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = AnthropicRecordings.Get(id);

        var (response, body, sent, forwarded) = await ReplayAsync(recording);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(recording.Body, body);
        Assert.Equal(Upstream(sent), forwarded);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task The_recorded_stream_comes_back_event_for_event(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = AnthropicRecordings.Get(id);

        var (response, body, sent, forwarded) = await ReplayAsync(recording);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var recorded = RawEvents(recording.Body);
        Assert.Equal(recorded, RawEvents(body));
        Assert.Equal("message_stop", recorded[^1].Name);
        Assert.Equal(Upstream(sent), forwarded);
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task The_recorded_error_comes_back_with_its_status_and_body(string id)
    {
        SharedMaterial.SkipIfAbsent();
        var recording = AnthropicRecordings.Get(id);

        var (response, body, _, _) = await ReplayAsync(recording, useRecordedRequest: false);

        Assert.Equal(recording.Status, (int)response.StatusCode);
        Assert.Equal(recording.Body, body);
        AnthropicEvents.AssertError(Encoding.UTF8.GetString(body), JsonNode.Parse(recording.Body)!["error"]!["type"]!.GetValue<string>());
    }

    /// <summary>Serves the recording and sends the Anthropic request that got it (or a plain one) to the gateway's /v1/messages.</summary>
    private async Task<(HttpResponseMessage Response, byte[] Body, string Sent, string Forwarded)> ReplayAsync(AnthropicRecordings.Exchange recording, bool useRecordedRequest = true)
    {
        replay.Upstream.Handler = async context =>
        {
            context.Response.StatusCode = recording.Status;
            context.Response.ContentType = recording.ContentType;
            await context.Response.Body.WriteAsync(recording.Body);
        };
        var request = useRecordedRequest && recording.Request?.DeepClone() is JsonObject recorded
            ? recorded
            : new JsonObject { ["model"] = "", ["max_tokens"] = 64, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Replay the recording." }) };
        request["model"] = AnthropicReplayGateway.Model;
        request.Remove("stream");
        if (recording.IsStream)
        {
            request["stream"] = true;
        }

        var sent = request.ToJsonString();
        var before = replay.Upstream.Requests.Count;
        using var client = NativePassThroughTests.AnthropicClient(replay.Gateway);
        using var content = new StringContent(sent, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        var response = await client.PostAsync("/v1/messages", content);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(before + 1, replay.Upstream.Requests.Count);
        return (response, body, sent, replay.Upstream.LastRequest.Body);
    }

    private static string Upstream(string sent) =>
        sent.Replace($"\"model\":\"{AnthropicReplayGateway.Model}\"", $"\"model\":\"{AnthropicReplayGateway.UpstreamModel}\"", StringComparison.Ordinal);

    /// <summary>Each event's name and data exactly as written (no JSON normalisation), in order.</summary>
    private static List<(string? Name, string Data)> RawEvents(byte[] sse)
    {
        var events = new List<(string?, string)>();
        string? name = null;
        var data = new List<string>();
        foreach (var line in Encoding.UTF8.GetString(sse).ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    events.Add((name, string.Join('\n', data)));
                }

                (name, data) = (null, []);
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].TrimStart(' ');
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Add(line["data:".Length..] is var value && value.StartsWith(' ') ? value[1..] : value);
            }
        }

        if (data.Count > 0)
        {
            events.Add((name, string.Join('\n', data)));
        }

        return events;
    }
}
