using System.Globalization;

namespace ServerlessGateway.Budgets;

public enum BudgetPeriodKind
{
    /// <summary>One budget for all time.</summary>
    None,
    Daily,

    /// <summary>ISO weeks: Monday 00:00 to Monday 00:00.</summary>
    Weekly,
    Monthly,

    /// <summary>Every N days, counted from 1970-01-01 in the configured zone (so every instance agrees).</summary>
    Days,
}

/// <summary>
/// How a budget renews. Windows are calendar-aligned in a configured IANA time zone and returned in UTC:
/// "daily in Europe/Berlin" renews at Berlin midnight whether that is 22:00 or 23:00 UTC.
/// </summary>
public readonly record struct BudgetPeriod(BudgetPeriodKind Kind, int Days = 0)
{
    public static readonly BudgetPeriod None = new(BudgetPeriodKind.None);

    /// <summary>Reads "none", "daily", "weekly", "monthly" or "days" (with <paramref name="days"/> ≥ 1).</summary>
    public static bool TryParse(string? text, int? days, out BudgetPeriod period)
    {
        period = (text ?? "none").ToUpperInvariant() switch
        {
            "NONE" => None,
            "DAILY" => new BudgetPeriod(BudgetPeriodKind.Daily),
            "WEEKLY" => new BudgetPeriod(BudgetPeriodKind.Weekly),
            "MONTHLY" => new BudgetPeriod(BudgetPeriodKind.Monthly),
            "DAYS" when days is >= 1 and <= 3660 => new BudgetPeriod(BudgetPeriodKind.Days, days.Value),
            _ => default,
        };
        return period != default || string.Equals(text ?? "none", "none", StringComparison.OrdinalIgnoreCase);
    }

    public override string ToString() => Kind switch
    {
        BudgetPeriodKind.Days => string.Create(CultureInfo.InvariantCulture, $"{Days} days"),
        _ => Kind.ToString().ToUpperInvariant()[0] + Kind.ToString()[1..].ToLowerInvariant(),
    };

    /// <summary>The window containing <paramref name="now"/>, with both ends in UTC.</summary>
    public BudgetWindow WindowAt(DateTimeOffset now, TimeZoneInfo zone)
    {
        if (Kind == BudgetPeriodKind.None)
        {
            return new BudgetWindow(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var (start, end) = Kind switch
        {
            BudgetPeriodKind.Daily => (today, today.AddDays(1)),
            BudgetPeriodKind.Weekly => WeekOf(today),
            BudgetPeriodKind.Monthly => (new DateOnly(today.Year, today.Month, 1), new DateOnly(today.Year, today.Month, 1).AddMonths(1)),
            _ => SpanOf(today, Days),
        };
        return new BudgetWindow(StartOfDay(start, zone), StartOfDay(end, zone));
    }

    private static (DateOnly, DateOnly) WeekOf(DateOnly day)
    {
        var sinceMonday = ((int)day.DayOfWeek + 6) % 7;
        var monday = day.AddDays(-sinceMonday);
        return (monday, monday.AddDays(7));
    }

    private static (DateOnly, DateOnly) SpanOf(DateOnly day, int days)
    {
        var index = day.DayNumber - DateOnly.FromDayNumber(719162).DayNumber; // days since 1970-01-01
        var start = DateOnly.FromDayNumber(day.DayNumber - (((index % days) + days) % days));
        return (start, start.AddDays(days));
    }

    /// <summary>
    /// The UTC instant a local day starts. Where midnight does not exist (a DST gap at 00:00, as in
    /// Santiago or Beirut) the day starts at the first local time that does; where it happens twice, at the first.
    /// </summary>
    internal static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local - offset, TimeSpan.Zero);
    }
}

/// <summary>A budget window [Start, End) in UTC.</summary>
public readonly record struct BudgetWindow(DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>A stable id for counters and reports, e.g. "20261101T0000Z" (the UTC start).</summary>
    public string Id => Start == DateTimeOffset.MinValue ? "all" : Start.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture);
}
