using System.Text;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Inbound.Anthropic;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers;

namespace ServerlessGateway.Tests.Inbound.Anthropic;

/// <summary>
/// What an adapter for an Anthropic deployment needs to pass an Anthropic caller's request through
/// untranslated: the caller's body and model position on the parsed request, and answers it can mark as
/// already in the caller's API.
/// </summary>
public sealed class NativePassThroughHookTests
{
    private const string Body = """{"max_tokens":300, "model" : "claude-ish","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"Hi","cache_control":{"type":"ephemeral"}}]}],"thinking":{"type":"enabled","budget_tokens":2048}}""";

    [Fact]
    public void The_parsed_request_keeps_the_callers_body_model_position_and_beta_header()
    {
        var bytes = Encoding.UTF8.GetBytes(Body);
        var context = new DefaultHttpContext();
        context.Request.Headers["anthropic-beta"] = "prompt-caching-2024-07-31";
        var format = new AnthropicCallerFormat();

        var result = AnthropicMessagesEndpoint.Parse(PooledBody.FromBytes(bytes), context.Request, format);

        var request = Assert.IsType<ChatRequest>(result.Value);
        var original = Assert.IsType<CallerApiRequest>(request.Original);
        Assert.Equal(CallerApi.AnthropicMessages, original.Api);
        Assert.Equal(bytes, original.Body.ToArray());
        Assert.Equal("\"claude-ish\"", Encoding.UTF8.GetString(original.Body.Span.Slice(original.ModelToken.Start, original.ModelToken.Length)));
        Assert.Equal([new KeyValuePair<string, string>("anthropic-beta", "prompt-caching-2024-07-31")], original.Headers);

        // The translation is what every other adapter forwards; its stream always carries usage for message_delta.
        Assert.Equal("claude-ish", request.Model);
        Assert.True(request.Stream);
        Assert.True(request.CallerWantsStreamUsage);
        Assert.Equal(StreamUsageEditKind.InsertIntoRoot, request.UsageEdit.Kind);
        Assert.Equal(300, request.MaxTokens);
        Assert.Equal("claude-ish", format.Model);
        Assert.True(format.ThinkingRequested);
    }

    [Fact]
    public void A_refused_translation_is_the_parse_error()
    {
        var result = AnthropicMessagesEndpoint.Parse(PooledBody.FromBytes("""{"model":"m"}"""u8.ToArray()), new DefaultHttpContext().Request, new AnthropicCallerFormat());

        Assert.Null(result.Value);
        Assert.StartsWith("max_tokens: Field required", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_marked_as_in_the_callers_API_is_written_as_it_is()
    {
        const string Native = """{"id":"msg_01","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"Hi","citations":null}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}""";
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        using var answer = new BufferedUpstreamResponse(200, PooledBody.FromBytes(Encoding.UTF8.GetBytes(Native)), null) { InCallerApi = true };

        var outcome = await answer.WriteAsync(context.Response, new AnthropicCallerFormat(), CancellationToken.None);

        Assert.True(outcome.Completed);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal(Native, Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    [Fact]
    public async Task A_failure_after_the_stream_started_is_an_Anthropic_error_event()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        context.Response.Headers["x-request-id"] = "req_9";

        await new AnthropicCallerFormat().WriteStreamErrorAsync(context.Response, GatewayError.Internal("req_9"));

        var events = AnthropicEvents.Parse(Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
        var error = Assert.Single(events);
        Assert.Equal("error", error.Name);
        Assert.Equal("api_error", error.Data["error"]!["type"]!.GetValue<string>());
        Assert.Equal("req_9", error.Data["request_id"]!.GetValue<string>());
    }
}
