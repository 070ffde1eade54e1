using System.Globalization;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Resilience.Faults;

/// <summary>Validates a deployment's Faults list and compiles it into <see cref="FaultRules"/>, listing every problem with its path.</summary>
public static class FaultRulesCompiler
{
    /// <summary>Longest delay a fault may add: beyond ten minutes every deployment's time-out has long fired.</summary>
    public const int MaxDelayMs = 600_000;

    /// <summary>Rates are written as decimals; their binary sum may pass 1 by a rounding error (0.1 + 0.2 + 0.7).</summary>
    private const double RoundingSlack = 1e-9;

    public static FaultRules Compile(IReadOnlyList<FaultOptions> faults, string where, List<string> errors)
    {
        if (faults.Count == 0)
        {
            return FaultRules.None;
        }

        var rules = new List<FaultRule>();
        var total = 0.0;
        var valid = true;
        for (var i = 0; i < faults.Count; i++)
        {
            var plan = Plan(faults[i], $"{where}:{i}", errors);
            var rate = faults[i].Rate;
            if (plan is null || rate is null)
            {
                valid = false;
                continue;
            }

            total += rate.Value;
            if (rate > 0)
            {
                rules.Add(new FaultRule(plan, rate.Value, Math.Min(1.0, total)));
            }
        }

        if (total > 1 + RoundingSlack)
        {
            errors.Add($"{where}: the fault rates add up to {total.ToString("0.###", CultureInfo.InvariantCulture)}; one attempt gets at most one fault, so they must add up to at most 1.");
            valid = false;
        }

        return valid ? new FaultRules(rules) : FaultRules.None;
    }

    private static FaultPlan? Plan(FaultOptions fault, string where, List<string> errors)
    {
        var before = errors.Count;
        if (fault.Rate is not { } rate)
        {
            errors.Add($"{where}:Rate must be set (0 to 1, the share of attempts that get this fault).");
        }
        else if (!(rate is >= 0 and <= 1))
        {
            errors.Add($"{where}:Rate must be between 0 and 1; it is {rate.ToString(CultureInfo.InvariantCulture)}.");
        }

        var kind = FaultKindNames.Parse(fault.Kind);
        switch (kind)
        {
            case null:
                errors.Add($"{where}:Kind must be one of {string.Join(", ", FaultKindNames.All)}; it is '{fault.Kind}'.");
                break;
            case FaultKind.Status:
                CheckStatus(fault, where, errors);
                break;
            case FaultKind.Delay:
                CheckDelay(fault, where, errors);
                break;
            case FaultKind.Cut:
                CheckCut(fault, where, errors);
                break;
        }

        if (kind is null || errors.Count > before)
        {
            return null;
        }

        return new FaultPlan(kind.Value)
        {
            Status = fault.Status ?? 503,
            RetryAfterSeconds = fault.RetryAfterSeconds,
            Delay = TimeSpan.FromMilliseconds(fault.DelayMs ?? 0),
            CutAfterChunks = fault.CutAfterChunks ?? 1,
            Source = "config",
        };
    }

    private static void CheckStatus(FaultOptions fault, string where, List<string> errors)
    {
        if (fault.Status is { } status && status is < 400 or > 599)
        {
            errors.Add($"{where}:Status must be an HTTP error status (400 to 599); it is {status}.");
        }

        if (fault.RetryAfterSeconds is < 0 or > 86_400)
        {
            errors.Add($"{where}:RetryAfterSeconds must be between 0 and 86400; it is {fault.RetryAfterSeconds}.");
        }

        NotFor(fault.DelayMs, "DelayMs", FaultKindNames.Status, where, errors);
        NotFor(fault.CutAfterChunks, "CutAfterChunks", FaultKindNames.Status, where, errors);
    }

    private static void CheckDelay(FaultOptions fault, string where, List<string> errors)
    {
        if (fault.DelayMs is not { } delay)
        {
            errors.Add($"{where}:DelayMs must be set for a delay fault (1 to {MaxDelayMs}).");
        }
        else if (delay is < 1 or > MaxDelayMs)
        {
            errors.Add($"{where}:DelayMs must be between 1 and {MaxDelayMs}; it is {delay}.");
        }

        NotFor(fault.Status, "Status", FaultKindNames.Delay, where, errors);
        NotFor(fault.RetryAfterSeconds, "RetryAfterSeconds", FaultKindNames.Delay, where, errors);
        NotFor(fault.CutAfterChunks, "CutAfterChunks", FaultKindNames.Delay, where, errors);
    }

    private static void CheckCut(FaultOptions fault, string where, List<string> errors)
    {
        if (fault.CutAfterChunks is < 0 or > 1_000_000)
        {
            errors.Add($"{where}:CutAfterChunks must be between 0 and 1000000; it is {fault.CutAfterChunks}.");
        }

        NotFor(fault.Status, "Status", FaultKindNames.Cut, where, errors);
        NotFor(fault.RetryAfterSeconds, "RetryAfterSeconds", FaultKindNames.Cut, where, errors);
        NotFor(fault.DelayMs, "DelayMs", FaultKindNames.Cut, where, errors);
    }

    /// <summary>A setting of another kind is most likely a mistyped Kind: say so rather than ignore it.</summary>
    private static void NotFor(int? value, string setting, string kind, string where, List<string> errors)
    {
        if (value is not null)
        {
            errors.Add($"{where}:{setting} does not apply to a {kind} fault; check its Kind.");
        }
    }
}
