using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using ServerlessGateway.Inbound.Anthropic;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Tests.Inbound.Anthropic;

/// <summary>Golden translations of OpenAI chunk streams into Anthropic's event sequence.</summary>
public sealed class AnthropicStreamSinkTests
{
    private static readonly AnthropicAnswerContext Context = new("req_1", "logical-model", ThinkingRequested: false);

    [Fact]
    public async Task A_text_stream_is_message_start_one_text_block_message_delta_and_message_stop()
    {
        var output = await RunAsync(sink =>
        {
            Chunk(sink, """{"id":"chatcmpl-9","model":"gpt-x","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""");
            Chunk(sink, """{"id":"chatcmpl-9","model":"gpt-x","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}""");
            Chunk(sink, """{"id":"chatcmpl-9","model":"gpt-x","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}""");
            Chunk(sink, """{"id":"chatcmpl-9","model":"gpt-x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""");
            Chunk(sink, """{"id":"chatcmpl-9","model":"gpt-x","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14,"prompt_tokens_details":{"cached_tokens":10}}}""");
            sink.Done();
        });

        Assert.Equal(
            """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_chatcmpl-9","type":"message","role":"assistant","model":"gpt-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":2,"cache_creation_input_tokens":0,"cache_read_input_tokens":10,"output_tokens":2}}

            event: message_stop
            data: {"type":"message_stop"}


            """.ReplaceLineEndings("\n"),
            output);
        var message = AnthropicEvents.AssertCompleteStream(AnthropicEvents.Parse(output));
        Assert.Equal("Hello", message.Text);
    }

    [Fact]
    public async Task Text_then_parallel_tool_calls_get_one_block_each_with_input_json_deltas()
    {
        var events = AnthropicEvents.Parse(await RunAsync(sink =>
        {
            Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Let me look."}}]}""");
            Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"weather","arguments":""}}]}}]}""");
            Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}""");
            Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}""");
            Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"time","arguments":"{}"}}]}}]}""");
            Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""");
            sink.Done();
        }));

        Assert.Equal(
            [
                "message_start", "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
            ],
            events.Select(e => e.Name));
        AnthropicEvents.AssertJsonEqual("""{"type":"tool_use","id":"call_1","name":"weather","caller":{"type":"direct"},"input":{}}""", events[4].Data["content_block"]);
        AnthropicEvents.AssertJsonEqual("""{"type":"input_json_delta","partial_json":"{\"city\":"}""", events[5].Data["delta"]);
        Assert.Equal(2, events[8].Data["index"]!.GetValue<int>());
        var message = AnthropicEvents.AssertCompleteStream(events);
        Assert.Equal("tool_use", message.StopReason);
        Assert.Equal("Let me look.", message.Text);
        Assert.Equal(["weather", "time"], message.ToolUses.Select(t => t.Name));
        AnthropicEvents.AssertJsonEqual("""{"city":"Paris"}""", message.ToolUses.First().Input);
        Assert.Equal("""{"output_tokens":0}""", events[^2].Data["usage"]!.ToJsonString()); // no usage chunk came
    }

    [Fact]
    public async Task Reasoning_becomes_a_thinking_block_before_the_text_when_asked_for()
    {
        var events = AnthropicEvents.Parse(await RunAsync(
            sink =>
            {
                Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Hmm, "}}]}""");
                Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"reasoning":"six times seven."}}]}""");
                Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"42"},"finish_reason":"length"}]}""");
                sink.Done();
            },
            Context with { ThinkingRequested = true }));

        var message = AnthropicEvents.AssertCompleteStream(events);
        Assert.Equal(["thinking", "text"], message.Blocks.Select(b => b.Type));
        Assert.Equal("Hmm, six times seven.", message.Blocks[0].Text);
        Assert.Equal("max_tokens", message.StopReason);
    }

    [Fact]
    public async Task Reasoning_is_left_out_when_thinking_was_not_asked_for_and_refusals_are_text()
    {
        var events = AnthropicEvents.Parse(await RunAsync(sink =>
        {
            Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"private"}}]}""");
            Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"refusal":"No."},"finish_reason":"stop"}]}""");
            sink.Done();
        }));

        var message = AnthropicEvents.AssertCompleteStream(events);
        Assert.Equal("No.", Assert.Single(message.Blocks).Text);
        Assert.Equal("refusal", message.StopReason);
    }

    [Fact]
    public async Task A_cut_stream_ends_with_an_error_event_and_no_message_stop()
    {
        var output = await RunAsync(sink =>
        {
            Chunk(sink, """{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"partial"}}]}""");
            sink.Error(SseResponse.StreamCut("dep", "broke off"));
            sink.Done(); // nothing more after an error
            sink.KeepAlive();
        });

        var events = AnthropicEvents.Parse(output);
        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "error"], events.Select(e => e.Name));
        AnthropicEvents.AssertJsonEqual(
            """{"type":"error","error":{"type":"api_error","message":"The upstream deployment 'dep' broke off; the answer above is incomplete."},"request_id":"req_1"}""",
            events[^1].Data);
    }

    [Fact]
    public async Task Keep_alives_are_pings_and_an_empty_answer_still_has_start_delta_and_stop()
    {
        var events = AnthropicEvents.Parse(await RunAsync(sink =>
        {
            sink.KeepAlive();
            sink.Done();
        }));

        Assert.Equal(["ping", "message_start", "message_delta", "message_stop"], events.Select(e => e.Name));
        Assert.Equal("msg_req_1", events[1].Data["message"]!["id"]!.GetValue<string>());
        Assert.Equal("logical-model", events[1].Data["message"]!["model"]!.GetValue<string>());
        AnthropicEvents.AssertCompleteStream(events);
    }

    [Fact]
    public async Task A_chunk_that_is_not_a_chunk_is_an_error_event()
    {
        var events = AnthropicEvents.Parse(await RunAsync(sink =>
        {
            Chunk(sink, """{"id":"c","choices":[{"index":0,"delta":{"content":"ok"}}]}""");
            Chunk(sink, """{"choices":"nope"}""");
            sink.Done();
        }));

        Assert.Equal("error", events[^1].Name);
        Assert.DoesNotContain(events, e => e.Name == "message_stop");
    }

    [Fact]
    public async Task Native_events_are_relayed_as_they_came_and_Done_adds_nothing()
    {
        const string native =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}   }\n\n" +
            "event: ping\ndata: {\"type\": \"ping\"}\n\n" +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n" +
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}\n\n" +
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

        var output = await RunAsync(sink =>
        {
            var parser = new SseParser();
            var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(native));
            while (parser.TryReadEvent(ref buffer, out var sseEvent))
            {
                sink.Relay(sseEvent);
            }

            sink.Done();
            sink.Error(SseResponse.StreamCut("dep", "late"));
        });

        Assert.Equal(native, output);
    }

    private static void Chunk(AnthropicStreamSink sink, string json) => sink.Chunk(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

    private static async Task<string> RunAsync(Action<AnthropicStreamSink> feed, AnthropicAnswerContext? context = null)
    {
        var pipe = new Pipe();
        var sink = new AnthropicStreamSink(pipe.Writer, context ?? Context);
        feed(sink);
        await sink.FlushAsync(TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync();
        var text = new StringBuilder();
        while (true)
        {
            var result = await pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);
            text.Append(Encoding.UTF8.GetString(result.Buffer.ToArray()));
            pipe.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await pipe.Reader.CompleteAsync();
        return text.ToString();
    }
}
