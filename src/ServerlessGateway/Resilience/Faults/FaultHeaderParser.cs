using System.Globalization;

namespace ServerlessGateway.Resilience.Faults;

/// <summary>
/// Reads the x-gateway-fault value: "name=value" settings separated by ';' (names case-insensitive), exactly one of
/// status=&lt;400–599&gt;, delay=&lt;n&gt;ms|&lt;n&gt;s, cut=&lt;chunks&gt;, and optionally rate=&lt;0–1&gt; (default 1),
/// retry-after=&lt;seconds&gt; (status only) and deployment=&lt;provider/model&gt;.
/// </summary>
public static class FaultHeaderParser
{
    private const string RateName = "rate";
    private const string RetryAfterName = "retry-after";
    private const string DeploymentName = "deployment";

    private static readonly string[] Known = [.. FaultKindNames.All, RateName, RetryAfterName, DeploymentName];

    /// <summary>The request, or null with <paramref name="problem"/> saying what is wrong.</summary>
    public static FaultRequest? Parse(string value, out string? problem)
    {
        var settings = Settings(value, out problem);
        if (settings is null)
        {
            return null;
        }

        var kinds = settings.Keys.Where(name => FaultKindNames.Parse(name) is not null).ToList();
        if (kinds.Count != 1)
        {
            problem = kinds.Count == 0
                ? "name one fault: status=<400-599>, delay=<n>ms or cut=<chunks>."
                : $"name one fault, not {string.Join(" and ", kinds)}.";
            return null;
        }

        var kind = FaultKindNames.Parse(kinds[0])!.Value;
        var plan = Plan(kind, settings[kinds[0]], out problem);
        if (plan is null)
        {
            return null;
        }

        if (settings.TryGetValue(RetryAfterName, out var retryAfter))
        {
            if (kind != FaultKind.Status)
            {
                problem = "retry-after applies only to a status fault.";
                return null;
            }

            if (!int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 86_400)
            {
                problem = $"retry-after must be whole seconds from 0 to 86400; it is '{retryAfter}'.";
                return null;
            }

            plan = plan with { RetryAfterSeconds = seconds };
        }

        var rate = 1.0;
        if (settings.TryGetValue(RateName, out var rateText)
            && (!double.TryParse(rateText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out rate) || !(rate is >= 0 and <= 1)))
        {
            problem = $"rate must be a number from 0 to 1; it is '{rateText}'.";
            return null;
        }

        string? deployment = null;
        if (settings.TryGetValue(DeploymentName, out var named))
        {
            if (named.Length == 0)
            {
                problem = "deployment must name a deployment as provider/model.";
                return null;
            }

            deployment = named;
        }

        return new FaultRequest(plan, rate, deployment);
    }

    private static Dictionary<string, string>? Settings(string value, out string? problem)
    {
        problem = null;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problem = $"'{part}' is not name=value.";
                return null;
            }

            var name = part[..equals].Trim().ToLowerInvariant();
            if (!Known.Contains(name))
            {
                problem = $"unknown setting '{name}'; use {string.Join(", ", Known)}.";
                return null;
            }

            if (!settings.TryAdd(name, part[(equals + 1)..].Trim()))
            {
                problem = $"'{name}' is given twice.";
                return null;
            }
        }

        if (settings.Count == 0)
        {
            problem = "it is empty.";
            return null;
        }

        return settings;
    }

    private static FaultPlan? Plan(FaultKind kind, string value, out string? problem)
    {
        problem = null;
        switch (kind)
        {
            case FaultKind.Status when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 400 and <= 599:
                return new FaultPlan(kind) { Status = status, Source = "header" };
            case FaultKind.Status:
                problem = $"status must be an HTTP error status from 400 to 599; it is '{value}'.";
                return null;
            case FaultKind.Delay when Milliseconds(value) is { } delay:
                return new FaultPlan(kind) { Delay = delay, Source = "header" };
            case FaultKind.Delay:
                problem = $"delay must be a duration such as 250ms or 2s, up to {FaultRulesCompiler.MaxDelayMs / 1000} s; it is '{value}'.";
                return null;
            case FaultKind.Cut when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var chunks) && chunks <= 1_000_000:
                return new FaultPlan(kind) { CutAfterChunks = chunks, Source = "header" };
            default:
                problem = $"cut must be the number of stream events to relay before the answer breaks off (0 or more); it is '{value}'.";
                return null;
        }
    }

    /// <summary>"250ms", "2s" or "1.5s": a positive duration up to the longest fault delay.</summary>
    private static TimeSpan? Milliseconds(string value)
    {
        var (number, scale) = value.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (value[..^2], 1.0)
            : value.EndsWith('s') || value.EndsWith('S') ? (value[..^1], 1000.0)
            : (null, 0);
        if (number is null || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        var ms = amount * scale;
        return ms is >= 1 and <= FaultRulesCompiler.MaxDelayMs ? TimeSpan.FromMilliseconds(ms) : null;
    }
}
