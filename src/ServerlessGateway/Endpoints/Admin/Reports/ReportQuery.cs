using System.Globalization;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints.Admin.Reports;

/// <summary>Reads report query parameters; a bad value becomes an OpenAI-shaped 400 naming the parameter.</summary>
internal sealed class ReportQuery(IQueryCollection query)
{
    public static readonly string[] Dimensions = ["key", "user", "team", "organization", "model", "requested_model", "tag"];

    public GatewayError? Error { get; private set; }

    public string? Text(string name) => query[name] is { Count: > 0 } values && !string.IsNullOrWhiteSpace(values[0]) ? values[0]!.Trim() : null;

    public DateTimeOffset? Time(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        // Years 1 and 9999 are refused so that the default 30-day range around a value cannot overflow.
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            && value.Year is > 1 and < 9999)
        {
            return value;
        }

        Fail($"'{name}' must be an ISO 8601 date or time such as 2026-05-01 or 2026-05-01T12:00:00Z; it is '{text}'.", name);
        return null;
    }

    /// <summary>Checks from &lt; to once both are read.</summary>
    public void Range(DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is { } f && to is { } t && f >= t)
        {
            Fail("'from' must be earlier than 'to'.", "from");
        }
    }

    public int Integer(string name, int fallback, int min, int max)
    {
        if (Text(name) is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Fail($"'{name}' must be a whole number from {min} to {max}; it is '{text}'.", name);
        return fallback;
    }

    public IReadOnlyList<string> GroupBy()
    {
        var dimensions = new List<string>();
        foreach (var part in (Text("group_by") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = part.ToLowerInvariant();
            if (!Dimensions.Contains(name))
            {
                Fail($"'group_by' takes a comma-separated list of {string.Join(", ", Dimensions)}; '{part}' is not one of them.", "group_by");
            }
            else if (!dimensions.Contains(name))
            {
                dimensions.Add(name);
            }
        }

        return dimensions;
    }

    public string Granularity()
    {
        var text = (Text("granularity") ?? "day").ToLowerInvariant();
        if (text is not ("hour" or "day" or "total"))
        {
            Fail($"'granularity' must be hour, day or total; it is '{text}'.", "granularity");
        }

        return text;
    }

    public void Fail(string message, string param) => Error ??= GatewayError.InvalidRequest(message, param, "invalid_query_parameter");
}
