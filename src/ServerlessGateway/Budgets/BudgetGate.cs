using ServerlessGateway.Auth;
using ServerlessGateway.Limits.Leases;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Budgets;

/// <summary>
/// Reserves an attempt's worst-case cost against every budget of the caller, all or nothing, through the lease book:
/// a budget lease is a small slice of what is left (a few reservations), taken with the store's conditional add,
/// so the sum over all instances never passes the budget, and a reservation that does not fit is refused.
/// Counters hold nano-dollars under "budget:{scope}:{window id}", so each period starts from zero.
/// </summary>
public sealed partial class BudgetGate(LeaseBook book, TimeProvider time, Func<TimeZoneInfo> zone, ILogger<BudgetGate> logger) : IBudgetGate
{
    /// <summary>Counters outlive their window by this much, so late settlements still land in the right one.</summary>
    private static readonly TimeSpan SettleGrace = TimeSpan.FromDays(1);

    public async ValueTask<IBudgetReservation> ReserveAsync(CallerIdentity caller, decimal worstCaseUsd, CancellationToken cancellationToken)
    {
        var budgets = BudgetsOf(caller);
        if (budgets.Count == 0)
        {
            return BudgetReservation.Unbudgeted;
        }

        var amount = NanoUsd.Up(worstCaseUsd);
        var charges = budgets.ConvertAll(b => b.Charge);
        if (amount == 0)
        {
            return new BudgetReservation(null, charges, [], 0, book);
        }

        var taken = new List<BudgetCounter>(budgets.Count);
        try
        {
            foreach (var budget in budgets)
            {
                var take = await book.TakeAsync(budget.Counter, amount, cancellationToken);
                if (!take.Admitted)
                {
                    GiveBack(taken, amount);
                    return new BudgetReservation(BudgetText.Exhausted(budget, take.View, worstCaseUsd), charges, [], 0, book);
                }

                taken.Add(budget);
            }
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
        {
            GiveBack(taken, amount);
            LogStoreFailed(logger, ex);
            return new BudgetReservation(GatewayError.StoreUnavailable("budget store", "budgets_unavailable"), charges, [], 0, book);
        }
        catch
        {
            GiveBack(taken, amount);
            throw;
        }

        return new BudgetReservation(null, charges, taken.ConvertAll(b => b.Counter), amount, book);
    }

    /// <summary>Committed share of the fullest budget as this instance last saw it (store total + local unsettled), no I/O.</summary>
    public decimal UsedFraction(CallerIdentity caller)
    {
        var fraction = 0m;
        foreach (var budget in BudgetsOf(caller))
        {
            var used = book.View(budget.Counter.Key)?.Used ?? 0;
            var share = budget.Counter.Limit == 0 ? 1m : (decimal)used / budget.Counter.Limit;
            fraction = Math.Max(fraction, share);
        }

        return fraction;
    }

    private List<BudgetCounter> BudgetsOf(CallerIdentity caller)
    {
        var budgets = new List<BudgetCounter>();
        var now = time.GetUtcNow();
        foreach (var governed in caller.Scopes)
        {
            if (governed.Budget is not { } spec)
            {
                continue;
            }

            var window = spec.Period.WindowAt(now, zone());
            var scope = governed.Scope.ToString();
            var expires = window.End == DateTimeOffset.MaxValue ? DateTimeOffset.MaxValue : window.End + SettleGrace;
            budgets.Add(new BudgetCounter(
                governed.Scope,
                spec,
                window,
                new CounterRef($"budget:{scope}:{window.Id}", NanoUsd.Down(spec.MaxUsd), expires, LeaseKind.Period)));
        }

        return budgets;
    }

    private void GiveBack(List<BudgetCounter> taken, long amount)
    {
        foreach (var budget in taken)
        {
            book.Return(budget.Counter.Key, amount);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The budget counter store failed; the request is refused with 503.")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception);
}
