using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// OpenAI chunks as Anthropic's event sequence: message_start at the first chunk with a choice, then
/// content blocks in order (thinking when asked for, text, one tool_use per tool call with its argument
/// deltas as input_json_delta), each closed before the next opens; at the end message_delta (stop_reason
/// and the usage from the usage chunk) and message_stop. A failure is an error event and then nothing:
/// no message_stop, so no client takes a cut answer for a whole one. Keep-alives are ping events.
/// </summary>
public sealed class AnthropicStreamSink(PipeWriter output, AnthropicAnswerContext context) : IChunkSink
{
    private readonly AnthropicEventWriter events = new(output);

    /// <summary>Anthropic block index of each OpenAI tool call index.</summary>
    private readonly Dictionary<int, int> toolBlocks = [];

    private BlockKind open;
    private int openIndex = -1;
    private int nextIndex;
    private string messageId = "";
    private bool started, ended, relayed, refused;
    private string? finishReason;
    private TokenUsage? usage;

    private enum BlockKind
    {
        None,
        Thinking,
        Text,
        ToolUse,
    }

    public void Chunk(ReadOnlySequence<byte> chunk)
    {
        if (ended)
        {
            return;
        }

        if ((chunk.IsSingleSegment ? OpenAIUsageReader.MayCarryUsage(chunk.FirstSpan) : OpenAIUsageReader.MayCarryUsage(chunk.ToArray()))
            && OpenAIUsageReader.TryRead(chunk, out var found, out _))
        {
            usage = found;
        }

        OpenAICompletion? parsed;
        try
        {
            var reader = new Utf8JsonReader(chunk);
            parsed = JsonSerializer.Deserialize(ref reader, OpenAIAnswerJsonContext.Default.OpenAICompletion);
        }
        catch (JsonException ex)
        {
            Error(new GatewayError(502, "The upstream sent a stream chunk that is not a chat completion chunk: " + ex.Message, GatewayError.ServerErrorType, "upstream_invalid_response"));
            return;
        }

        // An OpenAI-format upstream reports a failure mid-stream as {"error":{...}}: the caller's one error event, in Anthropic's shape.
        if (parsed?.Error is { } upstreamError)
        {
            Error(new GatewayError(StatusCodes.Status502BadGateway, upstreamError.Message ?? "The upstream reported an error in the middle of the answer.", upstreamError.Type ?? GatewayError.ServerErrorType, "upstream_stream_error"));
            return;
        }

        // Usage-only and filter-only chunks have no choice; other choices than the first have no place (n = 1).
        if (parsed?.FirstChoice is not { } choice)
        {
            return;
        }

        Start(parsed.Id, parsed.Model);
        if (choice.Delta is { } delta)
        {
            if (context.ThinkingRequested && delta.ReasoningText is { Length: > 0 } reasoning)
            {
                Append(BlockKind.Thinking, reasoning);
            }

            if (delta.Text is { Length: > 0 } text)
            {
                Append(BlockKind.Text, text);
            }

            if (delta.Refusal is { Length: > 0 } refusal)
            {
                refused = true;
                Append(BlockKind.Text, refusal);
            }

            var position = 0;
            foreach (var call in delta.ToolCalls ?? [])
            {
                AppendToolCall(call, call.Index ?? position);
                position++;
            }
        }

        if (choice.FinishReason is { } finish)
        {
            finishReason = finish;
            CloseBlock();
        }
    }

    public void Done()
    {
        if (ended)
        {
            return;
        }

        ended = true;
        if (relayed)
        {
            return; // the upstream's own message_stop was relayed
        }

        Start(null, null);
        CloseBlock();
        events.MessageDelta(AnthropicJson.StopReason(finishReason, toolBlocks.Count > 0, refused), usage);
        events.MessageStop();
    }

    public void Error(GatewayError error)
    {
        if (!ended)
        {
            ended = true;
            events.Error(AnthropicErrors.ToJsonBytes(error, context.RequestId));
        }
    }

    public void KeepAlive()
    {
        if (!ended)
        {
            events.Ping();
        }
    }

    /// <summary>An Anthropic upstream's own event (native pass-through): written as it came.</summary>
    public void Relay(in SseEvent sseEvent)
    {
        if (ended)
        {
            return;
        }

        relayed = started = true;
        if (sseEvent.EventType is { } name)
        {
            SseWriter.WriteEvent(output, name, sseEvent.Data);
            ended = name is "message_stop" or "error";
        }
        else
        {
            SseWriter.WriteData(output, sseEvent.Data);
        }
    }

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

    private void Start(string? upstreamId, string? model)
    {
        if (!started)
        {
            started = true;
            messageId = AnthropicJson.MessageId(upstreamId, context.RequestId);
            events.MessageStart(messageId, string.IsNullOrEmpty(model) ? context.Model : model);
        }
    }

    /// <summary>Text or thinking: continues the open block of that kind, or closes the open one and starts a new block.</summary>
    private void Append(BlockKind kind, string text)
    {
        if (open != kind)
        {
            CloseBlock();
            open = kind;
            openIndex = nextIndex++;
            if (kind == BlockKind.Text)
            {
                events.TextStart(openIndex);
            }
            else
            {
                events.ThinkingStart(openIndex);
            }
        }

        if (kind == BlockKind.Text)
        {
            events.TextDelta(openIndex, text);
        }
        else
        {
            events.ThinkingDelta(openIndex, text);
        }
    }

    /// <summary>
    /// A tool call's first delta starts its tool_use block (id and name come with it); argument pieces follow
    /// as input_json_delta. OpenAI servers send calls one after another; a server that interleaves them gets
    /// its late pieces written to the earlier block's index, which is as close as Anthropic's format allows.
    /// </summary>
    private void AppendToolCall(OpenAIToolCall call, int index)
    {
        if (!toolBlocks.TryGetValue(index, out var block))
        {
            CloseBlock();
            block = nextIndex++;
            toolBlocks[index] = block;
            open = BlockKind.ToolUse;
            openIndex = block;
            events.ToolUseStart(block, string.IsNullOrEmpty(call.Id) ? AnthropicJson.ToolUseId(messageId, block) : call.Id, call.Function?.Name ?? "");
        }

        if (call.Function?.ArgumentsText is { Length: > 0 } arguments)
        {
            events.InputJsonDelta(block, arguments);
        }
    }

    private void CloseBlock()
    {
        if (open != BlockKind.None)
        {
            open = BlockKind.None;
            events.BlockStop(openIndex);
        }
    }
}
