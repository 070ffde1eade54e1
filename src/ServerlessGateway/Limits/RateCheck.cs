using ServerlessGateway.Auth;
using ServerlessGateway.Limits.Leases;

namespace ServerlessGateway.Limits;

/// <summary>The three limits a scope can set.</summary>
public enum RateKind
{
    Requests,
    Tokens,
    Parallel,
}

/// <summary>
/// One limit one request must pass: which kind, at which scope, for all models (Model null) or one, the limit,
/// the amount asked for, and the shared counter it is taken from (for parallel limits the key of the slots).
/// </summary>
public sealed record RateCheck(RateKind Kind, ScopeRef Scope, string? Model, long Limit, long Amount, CounterRef Counter)
{
    /// <summary>Every limit of every scope of <paramref name="caller"/> that applies to <paramref name="model"/>, key first.</summary>
    public static List<RateCheck> For(CallerIdentity caller, string model, long estimatedTokens, RateWindow window, bool modelLimitsOnly = false)
    {
        var checks = new List<RateCheck>();
        foreach (var governed in caller.Scopes)
        {
            if (!modelLimitsOnly)
            {
                Add(checks, governed.Scope, null, governed.Limits.All, estimatedTokens, window);
            }

            if (governed.Limits.PerModel.TryGetValue(model, out var perModel))
            {
                Add(checks, governed.Scope, model, perModel, estimatedTokens, window);
            }
        }

        return checks;
    }

    private static void Add(List<RateCheck> checks, ScopeRef scope, string? model, RateLimits limits, long tokens, RateWindow window)
    {
        var name = scope + "|" + (model ?? "*");
        if (limits.RequestsPerMinute is { } rpm)
        {
            checks.Add(new RateCheck(RateKind.Requests, scope, model, rpm, 1, window.Counter("rpm|" + name, rpm)));
        }

        if (limits.TokensPerMinute is { } tpm)
        {
            checks.Add(new RateCheck(RateKind.Tokens, scope, model, tpm, Math.Max(0, tokens), window.Counter("tpm|" + name, tpm)));
        }

        if (limits.MaxParallel is { } parallel)
        {
            checks.Add(new RateCheck(RateKind.Parallel, scope, model, parallel, 1, new CounterRef("par|" + name, parallel, DateTimeOffset.MaxValue, LeaseKind.Period)));
        }
    }
}

/// <summary>A fixed one-minute window aligned to the UTC minute; its start is part of every counter key taken in it.</summary>
public readonly record struct RateWindow(DateTimeOffset Start)
{
    public DateTimeOffset End => Start.AddMinutes(1);

    public static RateWindow At(DateTimeOffset now) =>
        new(new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero));

    /// <summary>The window's counter for <paramref name="name"/>; kept a minute past the window for late settlements.</summary>
    public CounterRef Counter(string name, long limit) =>
        new(name + "|" + Start.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), limit, End.AddMinutes(1), LeaseKind.Window);
}
