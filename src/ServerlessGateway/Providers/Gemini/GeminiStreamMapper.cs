using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Providers.Streaming;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// Maps streamGenerateContent?alt=sse events — each a whole GenerateContentResponse — to OpenAI chunks as
/// they arrive: a choice's first chunk carries the role, text parts become content deltas (thoughts are
/// left out), function calls become tool calls (whole, with their index), finishReason the finish_reason.
/// Usage comes on every event: the last one with counts is kept, counted always, and sent as the
/// usage-only chunk at the end when the caller asked for it.
/// <para>
/// Gemini sends no end marker: its answer ends when it closes the stream after every candidate has a
/// finishReason (or after a prompt block). So <see cref="Map"/> never reports the end; the relay asks
/// <see cref="Close"/> at a clean close, and a stream closed before that — or one that carried an
/// error event, unreadable JSON or trailing bytes that are no event — ends with an in-band error.
/// </para>
/// </summary>
internal sealed class GeminiStreamMapper(AnswerOrigin origin, bool callerWantsUsage) : IStreamEventMapper
{
    private readonly GeminiChunkWriter chunks = new() { Created = origin.Created };
    private readonly Dictionary<int, ChoiceState> choices = [];
    private bool started;
    private bool broken;
    private bool promptBlocked;

    public TokenUsage? Usage { get; private set; }

    public bool EndsAtClose => true;

    public bool IsEnd(in SseEvent sseEvent) => false;

    public bool Map(in SseEvent sseEvent, IChunkSink sink)
    {
        GenerateContentResponse? answer;
        try
        {
            var reader = new Utf8JsonReader(sseEvent.Data);
            answer = JsonSerializer.Deserialize(ref reader, GeminiJsonContext.Default.GenerateContentResponse);
        }
        catch (JsonException)
        {
            broken = true;
            return false;
        }

        if (answer is null)
        {
            broken = true;
            return false;
        }

        if (answer.Error is { } error)
        {
            sink.Error(GeminiErrors.InStream(error));
            broken = true;
            return false;
        }

        if (!started)
        {
            started = true;
            chunks.Id = OpenAIAnswerJson.CompletionId(answer.ResponseId, origin.RequestId);
            chunks.Model = answer.ModelVersion ?? origin.UpstreamModel;
        }

        Usage = GeminiUsage.From(answer.UsageMetadata) ?? Usage;
        if (answer.Candidates is { Count: > 0 } candidates)
        {
            for (var i = 0; i < candidates.Count; i++)
            {
                MapCandidate(candidates[i], candidates[i].Index ?? i, sink);
            }
        }
        else if (answer.PromptFeedback?.BlockReason is { } reason && !promptBlocked)
        {
            promptBlocked = true;
            var refusal = GeminiFinish.PromptBlocked(reason, answer.PromptFeedback.BlockReasonMessage);
            chunks.Choice(sink, 0, new ChunkDelta(Role: true, null, refusal, null, GeminiFinish.ContentFilter));
        }

        return false;
    }

    public bool Close(IChunkSink sink)
    {
        var complete = !broken && (promptBlocked || (choices.Count > 0 && choices.Values.All(c => c.Finished)));
        if (complete && callerWantsUsage && Usage is { } usage)
        {
            chunks.Usage(sink, usage);
        }

        return complete;
    }

    private void MapCandidate(Candidate candidate, int index, IChunkSink sink)
    {
        if (!choices.TryGetValue(index, out var choice))
        {
            choices[index] = choice = new ChoiceState();
        }

        if (choice.Finished)
        {
            return;
        }

        List<ChunkToolCall>? calls = null;
        foreach (var part in candidate.Content?.Parts ?? [])
        {
            if (part.FunctionCall is { } call)
            {
                MapFunctionCall(choice, index, part, call, ref calls);
            }
        }

        string? finish = null, refusal = null;
        if (candidate.FinishReason is { } reason)
        {
            EndStreamedCall(choice, index, ref calls);
            choice.Finished = true;
            finish = GeminiFinish.ToOpenAI(reason, choice.ToolCalls > 0);
            refusal = GeminiFinish.IsFiltered(reason) ? GeminiFinish.Filtered(reason, candidate.FinishMessage) : null;
        }

        var text = OpenAIAnswerJson.Text(candidate.Content?.Parts);
        var delta = new ChunkDelta(!choice.RoleSent, string.IsNullOrEmpty(text) ? null : text, refusal, calls, finish);
        if (!delta.IsEmpty)
        {
            choice.RoleSent = true;
            chunks.Choice(sink, index, delta);
        }
    }

    private void MapFunctionCall(ChoiceState choice, int index, Part part, FunctionCall call, ref List<ChunkToolCall>? calls)
    {
        var streamed = call.WillContinue == true || call.PartialArgs is { Count: > 0 };
        if (call.Name is { } name && (streamed || choice.Streaming is not null))
        {
            // A new call begins; a streamed one before it ends here even if its closing part never came.
            EndStreamedCall(choice, index, ref calls);
            if (streamed)
            {
                choice.Streaming = new GeminiStreamedCall(name, call.Id, part.ThoughtSignature);
            }
        }

        if (choice.Streaming is { } current)
        {
            foreach (var piece in call.PartialArgs ?? [])
            {
                broken |= !current.Add(piece);
            }

            if (call.WillContinue != true)
            {
                EndStreamedCall(choice, index, ref calls);
            }

            return;
        }

        if (call.Name is { } whole)
        {
            Add(choice, index, call.Id, whole, part.ThoughtSignature, OpenAIAnswerJson.Arguments(call.Args), ref calls);
        }
    }

    private void EndStreamedCall(ChoiceState choice, int index, ref List<ChunkToolCall>? calls)
    {
        if (choice.Streaming is { } call)
        {
            choice.Streaming = null;
            Add(choice, index, call.Id, call.Name, call.Signature, call.ArgumentsJson(), ref calls);
        }
    }

    private void Add(ChoiceState choice, int index, string? geminiId, string name, string? signature, string arguments, ref List<ChunkToolCall>? calls)
    {
        var position = choice.ToolCalls++;
        var id = GeminiToolCallIds.Create(origin.RequestId, index, position, geminiId, signature);
        (calls ??= []).Add(new ChunkToolCall(position, id, name, arguments));
    }

    private sealed class ChoiceState
    {
        public bool RoleSent { get; set; }

        public bool Finished { get; set; }

        public int ToolCalls { get; set; }

        public GeminiStreamedCall? Streaming { get; set; }
    }
}
