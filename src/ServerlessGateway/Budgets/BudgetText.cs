using System.Globalization;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Limits.Leases;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Budgets;

/// <summary>OpenAI's insufficient_quota refusal, with which budget, period and window refused.</summary>
public static class BudgetText
{
    public const string InsufficientQuota = "insufficient_quota";

    public static GatewayError Exhausted(BudgetCounter budget, CounterView seen, decimal requestedUsd)
    {
        var period = budget.Spec.Period.Kind == BudgetPeriodKind.None
            ? "budget"
            : budget.Spec.Period.ToString().ToLowerInvariant() + " budget";
        var window = budget.Spec.Period.Kind == BudgetPeriodKind.None
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $" for the period {budget.Window.Start:yyyy-MM-dd'T'HH:mm'Z'} to {budget.Window.End:yyyy-MM-dd'T'HH:mm'Z'}");
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"You exceeded your current quota: the {period} of ${budget.Spec.MaxUsd} for {budget.Scope.LevelName} '{budget.Scope.Id}' is exhausted{window} (${Usd(seen.Used)} committed; this request could cost up to ${requestedUsd}). Ask an administrator to raise the budget, or wait for the next period.");
        return new GatewayError(StatusCodes.Status429TooManyRequests, message, InsufficientQuota, InsufficientQuota);
    }

    private static decimal Usd(long nano) => Math.Round(NanoUsd.ToUsd(nano), 6);
}
