using ServerlessGateway.Budgets;
using ServerlessGateway.Limits;
using ServerlessGateway.Tests.Infrastructure;
using ServerlessGateway.Tests.Limits;

namespace ServerlessGateway.Tests.Budgets;

/// <summary>Reserve, then settle: spend never passes a budget, across instances and under concurrency.</summary>
public sealed class BudgetGateTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly TempSqlite file = new();
    private readonly ManualTime time = new(Start);

    public void Dispose() => file.Dispose();

    [Fact]
    public async Task Two_hundred_concurrent_reservations_on_two_instances_never_spend_more_than_a_tiny_budget()
    {
        const decimal budget = 0.01m, worstCase = 0.0007m;
        var instances = new[] { GatewayInstance.OnSqlite(file, time), GatewayInstance.OnSqlite(file, time) };
        var caller = Callers.With(
            Callers.Scope(ScopeLevel.Key, "k1"),
            Callers.Scope(ScopeLevel.Team, "t1", budget: new BudgetSpec(budget, BudgetPeriod.TryParse("daily", null, out var daily) ? daily : default)));
        var random = new Random(6);
        var costs = Enumerable.Range(0, 200).Select(_ => Math.Round(worstCase * (decimal)random.NextDouble(), 7)).ToArray();
        var delays = Enumerable.Range(0, 200).Select(_ => random.Next(0, 20)).ToArray();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            using var reservation = await instances[i % 2].Budgets.ReserveAsync(caller, worstCase, CancellationToken.None);
            if (reservation.Refusal is { } refusal)
            {
                Assert.Equal((429, "insufficient_quota", "insufficient_quota"), (refusal.Status, refusal.Type, refusal.Code));
                Assert.Contains("team 't1'", refusal.Message, StringComparison.Ordinal);
                return (Spent: 0m, Refused: true);
            }

            await Task.Delay(delays[i]);
            reservation.Settle(costs[i]);
            return (Spent: costs[i], Refused: false);
        })));

        foreach (var instance in instances)
        {
            await instance.Maintenance.RunOnceAsync(TimeSpan.Zero, CancellationToken.None); // return every idle lease
        }

        var spent = outcomes.Sum(o => o.Spent);
        var counter = await instances[0].Store.ReadAsync($"budget:team:t1:{Start:yyyyMMdd}T0000Z", CancellationToken.None);
        output.WriteLine($"admitted {outcomes.Count(o => !o.Refused)} of 200, spent ${spent} of ${budget}, counter {counter} nano-USD");
        Assert.True(spent <= budget, $"spent {spent} over a budget of {budget}");
        Assert.Equal(NanoUsd.Up(spent), counter); // after every lease came back, the counter is exactly the spend
        // At worst case 14 fit; each instance may strand less than one reservation in its lease.
        Assert.True(outcomes.Count(o => !o.Refused) >= 12, "fewer admitted than fit at worst case");
        Assert.Contains(outcomes, o => o.Refused);
    }

    [Fact]
    public async Task An_overrun_is_added_and_an_unsettled_reservation_stays_spent()
    {
        var instance = GatewayInstance.OnSqlite(file, time);
        var caller = Callers.With(Callers.Scope(ScopeLevel.User, "ana", budget: new BudgetSpec(1m, BudgetPeriod.None)));

        using (var overrun = await instance.Budgets.ReserveAsync(caller, 0.2m, CancellationToken.None))
        {
            overrun.Settle(0.3m);
        }

        using (await instance.Budgets.ReserveAsync(caller, 0.4m, CancellationToken.None))
        {
            // disposed without settling: the real cost is unknown, so all 0.4 counts
        }

        Assert.Equal(0.7m, instance.Budgets.UsedFraction(caller));
        using var tooMuch = await instance.Budgets.ReserveAsync(caller, 0.31m, CancellationToken.None);
        using var fits = await instance.Budgets.ReserveAsync(caller, 0.3m, CancellationToken.None);
        Assert.NotNull(tooMuch.Refusal);
        Assert.Contains("You exceeded your current quota: the budget of $1 for user 'ana' is exhausted", tooMuch.Refusal.Message, StringComparison.Ordinal);
        Assert.Null(fits.Refusal);
        Assert.Equal(1m, instance.Budgets.UsedFraction(caller));
    }

    [Fact]
    public async Task A_refusal_by_one_budget_releases_the_others_and_charges_name_every_budget()
    {
        var instance = GatewayInstance.OnSqlite(file, time);
        var monthly = BudgetPeriod.TryParse("monthly", null, out var m) ? m : default;
        var keyBudget = Callers.Scope(ScopeLevel.Key, "k1", budget: new BudgetSpec(10m, monthly));
        var orgBudget = Callers.Scope(ScopeLevel.Organization, "acme", budget: new BudgetSpec(1m, monthly));

        using var admitted = await instance.Budgets.ReserveAsync(Callers.With(keyBudget, orgBudget), 0.6m, CancellationToken.None);
        using var refused = await instance.Budgets.ReserveAsync(Callers.With(keyBudget, orgBudget), 0.6m, CancellationToken.None);
        admitted.Settle(0.6m);

        Assert.Equal(["key:k1", "organization:acme"], admitted.Charges.Select(c => c.Scope));
        Assert.All(admitted.Charges, c => Assert.Equal(("20260501T0000Z", new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero)), (c.WindowId, c.WindowEnd)));
        Assert.Contains("monthly budget of $1 for organization 'acme' is exhausted for the period 2026-05-01T00:00Z to 2026-06-01T00:00Z", refused.Refusal?.Message, StringComparison.Ordinal);
        Assert.Equal(0.06m, instance.Budgets.UsedFraction(Callers.With(keyBudget))); // the refused 0.6 went back
    }

    [Fact]
    public async Task Idle_budget_leases_go_back_to_the_store_for_other_instances()
    {
        var first = GatewayInstance.OnSqlite(file, time);
        var second = GatewayInstance.OnSqlite(file, time);
        var caller = Callers.With(Callers.Scope(ScopeLevel.Team, "t1", budget: new BudgetSpec(1m, BudgetPeriod.None)));
        using (var small = await first.Budgets.ReserveAsync(caller, 0.1m, CancellationToken.None))
        {
            small.Settle(0.1m);
        }

        Assert.Null((await second.Budgets.ReserveAsync(caller, 0.5m, CancellationToken.None)).Refusal);
        Assert.NotNull((await second.Budgets.ReserveAsync(caller, 0.4m, CancellationToken.None)).Refusal); // first still holds $0.025 of its lease

        await first.Maintenance.RunOnceAsync(LeaseMaintenanceIdle, CancellationToken.None);
        Assert.Equal(625_000_000, await first.Store.ReadAsync("budget:team:t1:all", CancellationToken.None)); // not idle long enough yet
        time.Advance(LeaseMaintenanceIdle);
        await first.Maintenance.RunOnceAsync(LeaseMaintenanceIdle, CancellationToken.None);

        Assert.Equal(600_000_000, await first.Store.ReadAsync("budget:team:t1:all", CancellationToken.None));
        Assert.Null((await second.Budgets.ReserveAsync(caller, 0.4m, CancellationToken.None)).Refusal);
    }

    private static TimeSpan LeaseMaintenanceIdle => ServerlessGateway.Limits.LeaseMaintenance.IdleAfter;
}
