using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// Maps streamGenerateContent?alt=sse events — each a whole GenerateContentResponse — to OpenAI chunks as
/// they arrive: a choice's first chunk carries the role, text parts become content deltas (thoughts are
/// left out), function calls become tool calls (whole, with their index). Usage comes on every event: the
/// last one with counts is kept, counted always, and sent as the usage-only chunk at the end when the
/// caller asked for it.
/// <para>
/// Gemini sends no end marker: its answer ends when it closes the stream after every candidate has a
/// finishReason (or after a prompt block). So <see cref="Map"/> never reports the end; the relay asks
/// <see cref="Close"/> at a clean close, and a stream closed before that — or one that carried an
/// error event, unreadable JSON or trailing bytes that are no event — ends with an in-band error.
/// </para>
/// <para>
/// Each choice's finish_reason (with the refusal of a content_filter end) is sent once, by Close, after
/// all its content: Gemini's finishReason says the candidate is done, but only the clean close says the
/// answer is — and whatever Gemini still sends for the candidate is relayed, not dropped.
/// </para>
/// </summary>
internal sealed class GeminiStreamMapper(AnswerOrigin origin, bool callerWantsUsage) : IStreamEventMapper
{
    private readonly GeminiChunkWriter chunks = new() { Created = origin.Created };
    private readonly Dictionary<int, ChoiceState> choices = [];
    private bool started;
    private bool broken;

    public TokenUsage? Usage { get; private set; }

    public bool EndsAtClose => true;

    public bool IsEnd(in SseEvent sseEvent) => false;

    public bool Failed { get; private set; }

    /// <summary>An error as the stream's first event (quota, overload) fails the attempt like the same error as a status.</summary>
    public UpstreamFailure? CheckFirstEvent(in SseEvent sseEvent)
    {
        try
        {
            var reader = new Utf8JsonReader(sseEvent.Data);
            if (JsonSerializer.Deserialize(ref reader, GeminiJsonContext.Default.GenerateContentResponse)?.Error is { } error)
            {
                var failure = GeminiErrors.InStream(error);
                return new UpstreamFailure(failure, FailureClassifier.ForStatus(failure.Status), $"error event before the answer (status {failure.Status})");
            }
        }
        catch (JsonException)
        {
            // Not JSON: Map reports it as the stream's failure.
        }

        return null;
    }

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
            Failed = true;
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
        else if (answer.PromptFeedback?.BlockReason is { } reason && choices.Count == 0)
        {
            // The prompt was refused: no candidate comes, and the one choice says why when the stream closes.
            choices[0] = new ChoiceState { Finish = reason, PromptBlocked = true, Refusal = GeminiFinish.PromptBlocked(reason, answer.PromptFeedback.BlockReasonMessage) };
        }

        return false;
    }

    public bool Close(IChunkSink sink)
    {
        var complete = !broken && choices.Count > 0 && choices.Values.All(c => c.Finish is not null);
        if (!complete)
        {
            return false;
        }

        foreach (var (index, choice) in choices.OrderBy(c => c.Key))
        {
            List<ChunkToolCall>? calls = null;
            EndStreamedCall(choice, index, ref calls);
            var finish = choice.PromptBlocked ? GeminiFinish.ContentFilter : GeminiFinish.ToOpenAI(choice.Finish, choice.ToolCalls > 0);
            chunks.Choice(sink, index, new ChunkDelta(!choice.RoleSent, null, choice.Refusal, calls, finish));
        }

        if (callerWantsUsage && Usage is { } usage)
        {
            chunks.Usage(sink, usage);
        }

        return true;
    }

    private void MapCandidate(Candidate candidate, int index, IChunkSink sink)
    {
        if (!choices.TryGetValue(index, out var choice))
        {
            choices[index] = choice = new ChoiceState();
        }

        List<ChunkToolCall>? calls = null;
        foreach (var part in candidate.Content?.Parts ?? [])
        {
            if (part.FunctionCall is { } call)
            {
                MapFunctionCall(choice, index, part, call, ref calls);
            }
        }

        if (candidate.FinishReason is { } reason)
        {
            EndStreamedCall(choice, index, ref calls);
            choice.Finish = reason;
            choice.Refusal = GeminiFinish.IsFiltered(reason) ? GeminiFinish.Filtered(reason, candidate.FinishMessage) : null;
        }

        var text = OpenAIAnswerJson.Text(candidate.Content?.Parts);
        var delta = new ChunkDelta(!choice.RoleSent, string.IsNullOrEmpty(text) ? null : text, null, calls, null);
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

        /// <summary>Gemini's finishReason (or blockReason), once it came.</summary>
        public string? Finish { get; set; }

        public string? Refusal { get; set; }

        public bool PromptBlocked { get; init; }

        public int ToolCalls { get; set; }

        public GeminiStreamedCall? Streaming { get; set; }
    }
}
