using System.Text.Json;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// max_tokens and extended thinking, which Anthropic ties together (the thinking budget is part of
/// max_tokens and must stay below it, as reasoning is part of OpenAI's max_completion_tokens).
/// </summary>
public readonly record struct AnthropicTokenBudget(int MaxTokens, int? ThinkingBudget, JsonElement? ThinkingAsGiven)
{
    /// <summary>
    /// max_tokens when the caller gives none (Anthropic requires one; OpenAI's absence means "as long
    /// as the model likes"). The same for every model: every Claude model accepts 4096 (Claude 3 Haiku
    /// and Opus go no higher), and Anthropic counts max_tokens against the output-tokens-per-minute
    /// rate limit when a request starts, so a model's own ceiling (32k-64k on Claude 4) would use that
    /// limit up many times faster than the answers do. Callers who want longer answers send max_tokens
    /// or max_completion_tokens; with thinking on, the thinking budget is added to it.
    /// </summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>Anthropic's smallest thinking budget.</summary>
    public const int MinThinkingBudget = 1024;

    public bool ThinkingEnabled => ThinkingBudget is not null || ThinkingAsGiven is { } given && IsOn(given);

    /// <summary>
    /// reasoning_effort as a thinking budget. "none" (and any effort not listed) means no thinking; the
    /// largest budget plus the default answer room stays under 32000, the lowest output ceiling among
    /// the models that can think (Claude Opus 4 and 4.1).
    /// </summary>
    public static int? BudgetFor(string? effort) => effort switch
    {
        "minimal" => MinThinkingBudget,
        "low" => 2048,
        "medium" => 8192,
        "high" or "xhigh" => 24576,
        _ => null,
    };

    /// <summary>Claude 3 models before 3.7 (and older ones) cannot think: reasoning_effort is ignored for them, as for a model without reasoning.</summary>
    public static bool CanThink(string model) =>
        !(model.StartsWith("claude-3-", StringComparison.Ordinal) && !model.StartsWith("claude-3-7", StringComparison.Ordinal))
        && !model.StartsWith("claude-2", StringComparison.Ordinal) && !model.StartsWith("claude-instant", StringComparison.Ordinal);

    /// <param name="root">The caller's request.</param>
    /// <param name="callerMaxTokens">max_tokens or max_completion_tokens, if given.</param>
    /// <param name="model">The Anthropic model.</param>
    /// <param name="toolUseForced">tool_choice makes the model call a tool, which Anthropic refuses with thinking on.</param>
    /// <param name="continuesToolUse">
    /// The conversation answers the tool calls of its last assistant message. With thinking on,
    /// Anthropic requires that message's signed thinking blocks back, which an OpenAI client never
    /// has, so thinking stays off for that turn.
    /// </param>
    public static AnthropicTokenBudget Decide(JsonElement root, int? callerMaxTokens, string model, bool toolUseForced, bool continuesToolUse)
    {
        // Anthropic's own "thinking" object, sent as an extra field, is passed on as given: the caller chose.
        if (root.TryGetProperty("thinking", out var given) && given.ValueKind == JsonValueKind.Object)
        {
            var givenBudget = IsOn(given) && given.TryGetProperty("budget_tokens", out var b) && b.TryGetInt32(out var value) ? value : 0;
            return new AnthropicTokenBudget(callerMaxTokens ?? DefaultMaxTokens + givenBudget, null, given);
        }

        var effort = root.TryGetProperty("reasoning_effort", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (BudgetFor(effort) is not { } budget || !CanThink(model) || toolUseForced || continuesToolUse)
        {
            return new AnthropicTokenBudget(callerMaxTokens ?? DefaultMaxTokens, null, null);
        }

        if (callerMaxTokens is not { } maxTokens)
        {
            return new AnthropicTokenBudget(DefaultMaxTokens + budget, budget, null);
        }

        // The caller's limit covers thinking and answer together: thinking gets at most half of it, and
        // none when that half is below Anthropic's minimum budget.
        budget = Math.Min(budget, maxTokens / 2);
        return new AnthropicTokenBudget(maxTokens, budget >= MinThinkingBudget ? budget : null, null);
    }

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteNumber("max_tokens", MaxTokens);
        if (ThinkingAsGiven is { } given)
        {
            writer.WritePropertyName("thinking");
            given.WriteTo(writer);
        }
        else if (ThinkingBudget is { } budget)
        {
            writer.WriteStartObject("thinking");
            writer.WriteString("type", "enabled");
            writer.WriteNumber("budget_tokens", budget);
            writer.WriteEndObject();
        }
    }

    private static bool IsOn(JsonElement thinking) =>
        !(thinking.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("disabled"));
}
