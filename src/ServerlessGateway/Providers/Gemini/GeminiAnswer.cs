using System.Buffers;
using System.Text.Json;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>Where an answer came from: what names it (id, model, time) and makes its tool call ids.</summary>
internal sealed record AnswerOrigin(string RequestId, string UpstreamModel, long Created);

/// <summary>
/// A generateContent answer as an OpenAI chat.completion: each candidate a choice (text parts joined,
/// thoughts left out, function calls as tool_calls), finishReason as finish_reason, usageMetadata as usage.
/// A prompt Gemini blocked (no candidates, promptFeedback.blockReason) is one choice with no content,
/// the reason in "refusal" and finish_reason "content_filter".
/// </summary>
internal static class GeminiAnswer
{
    /// <summary>The chat.completion JSON, or null when the answer has neither candidates nor a prompt block.</summary>
    public static byte[]? ToChatCompletion(GenerateContentResponse answer, AnswerOrigin origin, out TokenUsage? usage)
    {
        usage = GeminiUsage.From(answer.UsageMetadata);
        var blocked = answer.PromptFeedback?.BlockReason;
        if (answer.Candidates is not { Count: > 0 } && blocked is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, OpenAIAnswerJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", OpenAIAnswerJson.CompletionId(answer.ResponseId, origin.RequestId));
            writer.WriteString("object", "chat.completion");
            writer.WriteNumber("created", origin.Created);
            writer.WriteString("model", answer.ModelVersion ?? origin.UpstreamModel);
            writer.WriteStartArray("choices");
            if (answer.Candidates is { Count: > 0 } candidates)
            {
                for (var i = 0; i < candidates.Count; i++)
                {
                    WriteChoice(writer, candidates[i], candidates[i].Index ?? i, origin);
                }
            }
            else
            {
                WriteMessageChoice(writer, 0, null, GeminiFinish.PromptBlocked(blocked!, answer.PromptFeedback!.BlockReasonMessage), [], GeminiFinish.ContentFilter);
            }

            writer.WriteEndArray();
            if (usage is { } counted)
            {
                GeminiUsage.Write(writer, counted);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteChoice(Utf8JsonWriter writer, Candidate candidate, int index, AnswerOrigin origin)
    {
        var parts = candidate.Content?.Parts;
        var calls = new List<(string Id, string Name, string Arguments)>();
        foreach (var part in parts ?? [])
        {
            if (part.FunctionCall is { Name: { } name } call)
            {
                var id = GeminiToolCallIds.Create(origin.RequestId, index, calls.Count, call.Id, part.ThoughtSignature);
                calls.Add((id, name, OpenAIAnswerJson.Arguments(call.Args)));
            }
        }

        var filtered = GeminiFinish.IsFiltered(candidate.FinishReason);
        var refusal = filtered ? GeminiFinish.Filtered(candidate.FinishReason!, candidate.FinishMessage) : null;
        var text = OpenAIAnswerJson.Text(parts) ?? (calls.Count > 0 || filtered ? null : "");

        // A candidate always ends in a complete answer; one without a reason is taken as a plain stop.
        var finish = GeminiFinish.ToOpenAI(candidate.FinishReason ?? "STOP", calls.Count > 0)!;
        WriteMessageChoice(writer, index, text, refusal, calls, finish);
    }

    private static void WriteMessageChoice(
        Utf8JsonWriter writer, int index, string? text, string? refusal, List<(string Id, string Name, string Arguments)> calls, string finish)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        writer.WriteString("content", text);
        writer.WriteString("refusal", refusal);
        if (calls.Count > 0)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var (id, name, arguments) in calls)
            {
                OpenAIAnswerJson.WriteToolCall(writer, null, id, name, arguments);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", finish);
        writer.WriteEndObject();
    }
}
