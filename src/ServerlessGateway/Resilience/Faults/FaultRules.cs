namespace ServerlessGateway.Resilience.Faults;

/// <summary>
/// One deployment's configured faults, compiled once per configuration: each rule owns a slice of [0, 1) as wide as
/// its rate, laid end to end, so one draw picks at most one fault (none when it lands past the last slice).
/// </summary>
public sealed class FaultRules
{
    private readonly FaultRule[] rules;

    public FaultRules(IEnumerable<FaultRule> rules) => this.rules = [.. rules];

    /// <summary>A deployment that injects nothing.</summary>
    public static FaultRules None { get; } = new([]);

    public IReadOnlyList<FaultRule> Rules => rules;

    public bool IsEmpty => rules.Length == 0;

    /// <summary>The fault whose slice holds <paramref name="draw"/> (a value in [0, 1)), or null.</summary>
    public FaultPlan? Pick(double draw)
    {
        foreach (var rule in rules)
        {
            if (draw < rule.UpTo)
            {
                return rule.Plan;
            }
        }

        return null;
    }
}

/// <summary>A fault and its slice of [0, 1): from the previous rule's <see cref="UpTo"/> up to (not including) this one's.</summary>
public sealed record FaultRule(FaultPlan Plan, double Rate, double UpTo);
