using ServerlessGateway.Budgets;
using ServerlessGateway.Limits;
using ServerlessGateway.Storage.Memory;
using ServerlessGateway.Tests.Infrastructure;
using ServerlessGateway.Tests.Limits;

namespace ServerlessGateway.Tests.Budgets;

/// <summary>Budgets renew at calendar boundaries in the configured zone, DST included, with an injected clock.</summary>
public sealed class BudgetWindowTests
{
    [Fact]
    public async Task A_daily_budget_in_Berlin_renews_at_Berlin_midnight_across_the_spring_DST_change()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var time = new ManualTime(new DateTimeOffset(2026, 3, 28, 22, 30, 0, TimeSpan.Zero)); // 23:30 CET, 28 March
        var instance = new GatewayInstance(new InMemoryCounterStore(time), time, berlin);
        var caller = Callers.With(Callers.Scope(ScopeLevel.Team, "t1", budget: new BudgetSpec(0.01m, new BudgetPeriod(BudgetPeriodKind.Daily))));

        var before = await Reserve(instance, caller);
        Assert.Null(before.Refusal);
        Assert.NotNull((await Reserve(instance, caller)).Refusal); // $0.008 of $0.01 is committed

        time.Advance(TimeSpan.FromMinutes(30)); // 23:00 UTC = midnight in Berlin: 29 March, a 23-hour day
        var renewed = await Reserve(instance, caller);
        Assert.Null(renewed.Refusal);
        Assert.NotNull((await Reserve(instance, caller)).Refusal);

        time.Advance(TimeSpan.FromHours(23) - TimeSpan.FromMinutes(1)); // 21:59 UTC = 23:59 CEST, still 29 March
        Assert.NotNull((await Reserve(instance, caller)).Refusal);
        time.Advance(TimeSpan.FromMinutes(1)); // 22:00 UTC = midnight CEST, 30 March
        var next = await Reserve(instance, caller);
        Assert.Null(next.Refusal);

        Assert.Equal(["20260327T2300Z", "20260328T2300Z", "20260329T2200Z"], new[] { before, renewed, next }.Select(r => r.Charges.Single().WindowId));
        var day = renewed.Charges.Single();
        Assert.Equal(TimeSpan.FromHours(23), day.WindowEnd - day.WindowStart);
        Assert.Equal(0.8m, instance.Budgets.UsedFraction(caller));
    }

    [Fact]
    public async Task UsedFraction_follows_the_current_window_without_store_calls()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 5, 4, 23, 59, 0, TimeSpan.Zero));
        var instance = new GatewayInstance(new InMemoryCounterStore(time), time);
        var caller = Callers.With(Callers.Scope(ScopeLevel.Key, "k1", budget: new BudgetSpec(2m, new BudgetPeriod(BudgetPeriodKind.Daily))));
        using (var reservation = await instance.Budgets.ReserveAsync(caller, 1m, CancellationToken.None))
        {
            reservation.Settle(0.5m);
        }

        var calls = instance.Book.Utilisation.StoreCalls;
        Assert.Equal(0.25m, instance.Budgets.UsedFraction(caller));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0m, instance.Budgets.UsedFraction(caller));
        Assert.Equal(calls, instance.Book.Utilisation.StoreCalls);
    }

    private static async Task<IBudgetReservation> Reserve(GatewayInstance instance, ServerlessGateway.Auth.CallerIdentity caller)
    {
        var reservation = await instance.Budgets.ReserveAsync(caller, 0.008m, CancellationToken.None);
        reservation.Dispose(); // unsettled: the whole $0.008 stays spent
        return reservation;
    }
}
