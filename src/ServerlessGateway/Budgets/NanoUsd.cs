namespace ServerlessGateway.Budgets;

/// <summary>Dollar amounts as whole nano-dollars, the unit budget counters hold (exact for every price in the table).</summary>
public static class NanoUsd
{
    private const decimal PerUsd = 1_000_000_000m;

    /// <summary>Rounded up: reservations and charges never understate spend.</summary>
    public static long Up(decimal usd) => usd <= 0 ? 0 : (long)Math.Ceiling(Math.Min(usd, long.MaxValue / PerUsd) * PerUsd);

    /// <summary>Rounded down: a budget never allows more than written.</summary>
    public static long Down(decimal usd) => usd <= 0 ? 0 : (long)Math.Floor(Math.Min(usd, long.MaxValue / PerUsd) * PerUsd);

    public static decimal ToUsd(long nano) => nano / PerUsd;
}
