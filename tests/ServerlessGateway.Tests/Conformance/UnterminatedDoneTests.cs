using System.Text;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// An upstream that closes the connection right after "data: [DONE]", without the blank line that
/// would end the event, has still finished its answer: the client gets a complete stream, not the
/// in-band "incomplete" error. (The shared semantic-kernel Azure recording ends this way.)
/// </summary>
public sealed class UnterminatedDoneTests
{
    [Theory]
    [InlineData("data: [DONE]")]
    [InlineData("data: [DONE]\n")]
    [InlineData("data:[DONE]\r\n")]
    public async Task Stream_ending_in_an_unterminated_DONE_is_complete(string ending)
    {
        var sse = $"data: {OpenAIWire.Chunk("Hi", role: true)}\n\ndata: {OpenAIWire.Chunk("", finish: "stop")}\n\n{ending}";
        await using var upstream = await FakeUpstream.StartAsync(context => Respond.Raw(context, "text/event-stream", Encoding.UTF8.GetBytes(sse)));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("m", upstream.BaseUrl)));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}""");

        var payloads = SseTranscript.Payloads(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal([OpenAIWire.Chunk("Hi", role: true), OpenAIWire.Chunk("", finish: "stop"), SseTranscript.Done], payloads);
    }

    [Fact]
    public async Task Stream_cut_inside_a_chunk_is_still_reported_incomplete()
    {
        var sse = $"data: {OpenAIWire.Chunk("Hi", role: true)}\n\ndata: {{\"id\":\"chatcmpl-test2\",\"choi";
        await using var upstream = await FakeUpstream.StartAsync(context => Respond.Raw(context, "text/event-stream", Encoding.UTF8.GetBytes(sse)));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("m", upstream.BaseUrl)));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}""");

        var payloads = SseTranscript.Payloads(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.DoesNotContain(SseTranscript.Done, payloads);
        Assert.Contains("upstream_stream_incomplete", payloads[^1], StringComparison.Ordinal);
    }
}
