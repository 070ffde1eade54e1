namespace ServerlessGateway.Caching.Semantic;

/// <summary>What <see cref="SemanticGuard"/> decided: whether the cached answer may be served for the query, and
/// when not, which check said no (one of <see cref="GuardReasons"/>).</summary>
public readonly record struct GuardVerdict(bool Agrees, string? Reason)
{
    public static GuardVerdict Agree => new(true, null);

    public static GuardVerdict Disagree(string reason) => new(false, reason);
}

/// <summary>The reasons <see cref="SemanticGuard"/> gives, stable strings for logs and metrics.</summary>
public static class GuardReasons
{
    /// <summary>One side negates and the other does not (not, no, never, n't, without, ...).</summary>
    public const string Negation = "negation";

    /// <summary>The numbers (digits or number words) differ.</summary>
    public const string Numbers = "numbers";

    /// <summary>A name, quoted string or code-like token of one side is missing from the other.</summary>
    public const string Entities = "entities";

    /// <summary>One side has a word and the other its opposite (on/off, enable/disable, ...).</summary>
    public const string Polarity = "polarity";

    /// <summary>One side has less than half the content words of the other.</summary>
    public const string Length = "length";

    /// <summary>Shared words swapped places around a word that stayed ("from A to B" / "from B to A").</summary>
    public const string Order = "order";
}
