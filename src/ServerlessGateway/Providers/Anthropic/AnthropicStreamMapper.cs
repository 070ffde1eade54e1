using System.Buffers;
using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// Anthropic's stream events as OpenAI chunks, each as it arrives: message_start → the role chunk;
/// text deltas → content; the answer tool's input → content (see <see cref="AnthropicJsonAnswer"/>);
/// a tool_use block → a tool call (id, name) with OpenAI's tool-call index
/// (Anthropic numbers all blocks, OpenAI only the tool calls), its input_json_delta fragments →
/// argument deltas at that index; thinking deltas → reasoning_content (signatures are dropped: an
/// OpenAI client cannot send them back); message_delta → the finish_reason chunk, then the usage chunk
/// if the caller asked for it; message_stop → the end. ping and unknown events are skipped. An error
/// event becomes the in-band error and marks the stream <see cref="Failed"/> (the relay ends it there,
/// with that one error), so a stream that fails or is cut off never ends clean; an error as the first
/// event fails the attempt instead, so the next deployment is tried. Usage is always counted.
/// </summary>
public sealed class AnthropicStreamMapper(string deployment, string model, bool callerWantsUsage, AnthropicJsonAnswer.Kind answerKind, long created) : IStreamEventMapper
{
    private readonly OpenAIChunkWriter chunks = new(created) { Model = model };

    /// <summary>Anthropic block index → OpenAI tool call index, for the caller's tool calls.</summary>
    private readonly Dictionary<int, int> toolCalls = [];

    /// <summary>Block indexes of answer-tool calls, whose input is streamed as content.</summary>
    private readonly HashSet<int> answers = [];

    /// <summary>Wrapped answers being unwrapped, by block index.</summary>
    private readonly Dictionary<int, WrappedAnswerReader> unwrapping = [];

    /// <summary>Tool blocks (the caller's and the answer's) that have sent some input so far.</summary>
    private readonly HashSet<int> withInput = [];

    private AnthropicUsage? usage;
    private bool finished;
    private bool failed;

    public TokenUsage? Usage => usage?.ToTokenUsage();

    public bool IsEnd(in SseEvent sseEvent) => !failed && TryRead(sseEvent.Data, out var read) && TypeOf(read, sseEvent) == "message_stop";

    public bool Failed => failed;

    /// <summary>An error event before anything else (Anthropic's overload, sent with status 200) fails the attempt: nothing has been sent yet.</summary>
    public UpstreamFailure? CheckFirstEvent(in SseEvent sseEvent) =>
        TryRead(sseEvent.Data, out var read) && TypeOf(read, sseEvent) == "error" ? AnthropicErrors.FromStreamStart(read.Error, deployment) : null;

    public bool Map(in SseEvent sseEvent, IChunkSink sink)
    {
        if (failed)
        {
            return false;
        }

        if (!TryRead(sseEvent.Data, out var read))
        {
            Fail(sink, GatewayError.UpstreamInvalidResponse(deployment, "a stream event is not JSON"));
            return false;
        }

        switch (TypeOf(read, sseEvent))
        {
            case "message_start":
                chunks.Id = read.Message?.Id ?? chunks.Id;
                chunks.Model = read.Message?.Model ?? chunks.Model;
                usage = read.Message?.Usage;
                chunks.Role(sink);
                break;
            case "content_block_start" when read.ContentBlock is { } block:
                StartBlock(sink, read.Index ?? -1, block);
                break;
            case "content_block_delta" when read.Delta is { } delta:
                MapDelta(sink, read.Index ?? -1, delta);
                break;
            case "content_block_stop":
                StopBlock(sink, read.Index ?? -1);
                break;
            case "message_delta":
                usage = usage?.With(read.Usage) ?? read.Usage;
                Finish(sink, read.Delta?.StopReason);
                break;
            case "message_stop":
                if (!finished)
                {
                    Finish(sink, null);
                }

                return true;
            case "error":
                Fail(sink, AnthropicErrors.FromStreamError(read.Error, deployment));
                break;
        }

        return false;
    }

    private void StartBlock(IChunkSink sink, int index, AnthropicContentBlock block)
    {
        switch (block.Type)
        {
            case "text" when !string.IsNullOrEmpty(block.Text):
                chunks.Content(sink, block.Text);
                break;
            case "thinking" when !string.IsNullOrEmpty(block.Thinking):
                chunks.Reasoning(sink, block.Thinking);
                break;
            case "tool_use" when answerKind != AnthropicJsonAnswer.Kind.None && block.Name == AnthropicJsonAnswer.ToolName:
                answers.Add(index);
                if (answerKind == AnthropicJsonAnswer.Kind.WrappedJsonSchema)
                {
                    unwrapping[index] = new WrappedAnswerReader();
                }

                if (GivenInput(block) is { } answer)
                {
                    AnswerContent(sink, index, answer);
                }

                break;
            case "tool_use":
                var call = toolCalls.Count;
                toolCalls[index] = call;
                chunks.ToolCallStart(sink, call, block.Id ?? "", block.Name ?? "");
                if (GivenInput(block) is { } arguments)
                {
                    withInput.Add(index);
                    chunks.ToolArguments(sink, call, arguments);
                }

                break;
        }
    }

    private void MapDelta(IChunkSink sink, int index, AnthropicDelta delta)
    {
        switch (delta.Type)
        {
            case "text_delta" when !string.IsNullOrEmpty(delta.Text):
                chunks.Content(sink, delta.Text);
                break;
            case "thinking_delta" when !string.IsNullOrEmpty(delta.Thinking):
                chunks.Reasoning(sink, delta.Thinking);
                break;
            case "input_json_delta" when !string.IsNullOrEmpty(delta.PartialJson):
                if (answers.Contains(index))
                {
                    AnswerContent(sink, index, delta.PartialJson);
                }
                else if (toolCalls.TryGetValue(index, out var call))
                {
                    withInput.Add(index);
                    chunks.ToolArguments(sink, call, delta.PartialJson);
                }

                break;
        }
    }

    /// <summary>
    /// A tool called without arguments streams no input at all (only an empty fragment): OpenAI sends
    /// "{}" then, and clients parse the arguments as JSON, so the call ends with "{}" rather than "".
    /// </summary>
    private void StopBlock(IChunkSink sink, int index)
    {
        if (unwrapping.Remove(index, out var wrapped))
        {
            if (wrapped.Finish() is { Length: > 0 } rest)
            {
                chunks.Content(sink, rest);
            }

            return;
        }

        if (withInput.Contains(index))
        {
            return;
        }

        if (answers.Contains(index))
        {
            chunks.Content(sink, "{}");
        }
        else if (toolCalls.TryGetValue(index, out var call))
        {
            chunks.ToolArguments(sink, call, "{}");
        }
    }

    /// <summary>Answer-tool input as content: as it comes, or through its unwrapper when wrapped.</summary>
    private void AnswerContent(IChunkSink sink, int index, string fragment)
    {
        withInput.Add(index);
        var content = unwrapping.TryGetValue(index, out var wrapped) ? wrapped.Push(fragment) : fragment;
        if (content.Length > 0)
        {
            chunks.Content(sink, content);
        }
    }

    private void Finish(IChunkSink sink, string? stopReason)
    {
        finished = true;
        chunks.Finish(sink, OpenAIAnswerJson.FinishReason(stopReason, toolCalls.Count > 0));
        if (callerWantsUsage && usage is not null)
        {
            chunks.Usage(sink, usage.ToTokenUsage());
        }
    }

    private void Fail(IChunkSink sink, GatewayError error)
    {
        failed = true;
        sink.Error(error);
    }

    /// <summary>A tool_use block's input when it arrives whole in content_block_start (normally "{}", then streamed as deltas).</summary>
    private static string? GivenInput(AnthropicContentBlock block) =>
        block.Input is { ValueKind: JsonValueKind.Object } input && input.EnumerateObject().Any() ? input.GetRawText() : null;

    /// <summary>The event's type from its JSON, or from its SSE event name when the JSON lacks one.</summary>
    private static string? TypeOf(AnthropicStreamEvent read, in SseEvent sseEvent) => read.Type ?? sseEvent.EventType;

    private static bool TryRead(ReadOnlySequence<byte> data, out AnthropicStreamEvent read)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            read = JsonSerializer.Deserialize(ref reader, AnthropicJsonContext.Default.AnthropicStreamEvent)!;
            return read is not null;
        }
        catch (JsonException)
        {
            read = null!;
            return false;
        }
    }
}
