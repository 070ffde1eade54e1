using ServerlessGateway.Configuration;

namespace ServerlessGateway.Budgets;

/// <summary>Turns a budget as written (configuration, admin API) into a <see cref="BudgetSpec"/>, listing every problem.</summary>
public static class BudgetSpecReader
{
    /// <summary>Budgets past this are surely a typo (a misplaced decimal point), not a plan.</summary>
    public const decimal MaxUsd = 10_000_000m;

    public static BudgetSpec? Read(BudgetOptions? options, string where, List<string> errors)
    {
        if (options is null)
        {
            return null;
        }

        if (options.MaxUsd is not { } max || max < 0 || max > MaxUsd)
        {
            errors.Add($"{where}:MaxUsd must be set, between 0 and {MaxUsd}; it is {options.MaxUsd?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}.");
            return null;
        }

        if (!BudgetPeriod.TryParse(options.Period, options.PeriodDays, out var period))
        {
            errors.Add($"{where}:Period must be none, daily, weekly, monthly, or days with PeriodDays between 1 and 3660; it is '{options.Period}'.");
            return null;
        }

        return new BudgetSpec(max, period);
    }
}
