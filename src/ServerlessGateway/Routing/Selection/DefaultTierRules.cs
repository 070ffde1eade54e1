using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Selection;

/// <summary>
/// The rules the auto model uses when Gateway:Routing:Auto names tiers but no Rules. Written as configuration
/// (and validated like it); a rule whose tier is not among the configured tiers is left out, so a two-tier
/// setup (say simple and complex) uses the rules that apply to it. Order matters: the first match wins.
/// </summary>
public static class DefaultTierRules
{
    /// <summary>
    /// Words that ask for explicit, multi-step reasoning. Checked in the last user message only — an earlier
    /// "prove" in a long chat does not make today's "thanks!" a reasoning task — and as whole words, so
    /// "improve" is not "prove".
    /// </summary>
    public static readonly IReadOnlyList<string> ReasoningKeywords =
    [
        "prove", "proof", "derive", "theorem", "lemma", "step by step", "step-by-step", "think carefully",
        "reason through", "rigorous", "rigorously", "formally verify", "chain of thought",
    ];

    public static IReadOnlyList<AutoRuleOptions> Rules { get; } =
    [
        // Asking for a proof or a derivation is the clearest sign a reasoning model earns its price, at any length.
        Rule("reasoning", new() { KeywordsAny = [.. ReasoningKeywords] }),

        // 4,000 prompt tokens is several pages of text: long-document analysis and synthesis, where small models
        // lose details. It is also far below every current small model's context, so "simple" was never refused
        // for length — the point is quality, not fit.
        Rule("complex", new() { MinPromptTokens = 4000 }),

        // Code six or more messages into a conversation is iterative debugging or a design discussion: the model
        // must keep earlier code and failed attempts in mind, which is where small models go wrong.
        Rule("complex", new() { HasCode = true, MinMessages = 6 }),

        // Tool calling needs reliable argument JSON and judgement about when to call, images need a vision model,
        // and code needs more than chit-chat: the standard tier, never the cheapest.
        Rule("standard", new() { HasTools = true }),
        Rule("standard", new() { HasImages = true }),
        Rule("standard", new() { HasCode = true }),

        // Ten messages is five exchanges: enough history that keeping track of it is the task.
        Rule("standard", new() { MinMessages = 10 }),

        // Under 500 tokens (a paragraph or two) with none of the above is a short question, a rewrite or small
        // talk, which the cheapest tier answers as well as any.
        Rule("simple", new() { MaxPromptTokens = 500 }),

        // Everything else (medium-length plain prose) falls to the configured DefaultTier (standard by default).
    ];

    private static AutoRuleOptions Rule(string tier, AutoConditionOptions when) => new() { Tier = tier, When = when };
}
