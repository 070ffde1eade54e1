using System.Collections.Frozen;
using ServerlessGateway.Accounting;
using ServerlessGateway.Accounting.Ledger;

namespace ServerlessGateway.Tests.Accounting.Ledger;

/// <summary>Usage records for ledger tests: distinct ids, costs with many decimals (exactness shows), optional budget charge.</summary>
internal static class LedgerRecords
{
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    public static readonly BudgetCharge TeamBudget = new("team:t1", "20260301T0000Z", new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), 1.0m);

    /// <summary>Costs 0.000000137 × (i + 1) USD: a float sum of these drifts, a decimal one does not.</summary>
    public static UsageRecord Make(int i, DateTimeOffset? at = null, string key = "cfg:test", string? model = "gpt-x", BudgetCharge? charge = null, params (string, string)[] tags) => new()
    {
        RequestId = $"req-{i:D6}",
        Attempt = 1 + (i % 2),
        Timestamp = at ?? Start.AddSeconds(i),
        KeyId = key,
        UserId = "u1",
        TeamId = "t1",
        OrganizationId = "o1",
        RequestedModel = "logical-" + model,
        ServedModel = model,
        Deployment = "d1",
        Provider = "openai",
        Usage = new TokenUsage(100 + i, 10, CachedInputTokens: 40, CacheWriteTokens: 2, ReasoningTokens: 3),
        CostUsd = 0.000000137m * (i + 1),
        LatencyMs = 12.5,
        Status = 200,
        Tags = tags.ToFrozenDictionary(t => t.Item1, t => t.Item2, StringComparer.Ordinal),
        Budgets = charge is { } c ? [c] : [],
    };

    public static List<UsageRecord> Many(int count, BudgetCharge? charge = null) => [.. Enumerable.Range(0, count).Select(i => Make(i, charge: charge))];

    public static decimal CostOf(IEnumerable<UsageRecord> records) => records.Sum(r => r.CostUsd);

    public static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), $"ledger-test-{Guid.NewGuid():N}{extension}");

    /// <summary>Every stored record (the stores page newest first).</summary>
    public static async Task<List<UsageRecord>> AllAsync(IUsageStore store)
    {
        var all = new List<UsageRecord>();
        UsageCursor? after = null;
        do
        {
            var page = await store.QueryAsync(new UsageQuery { Limit = 1000, After = after }, CancellationToken.None);
            all.AddRange(page.Records);
            after = page.Next;
        }
        while (after is not null);
        return all;
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for: " + what);
            await Task.Delay(20);
        }
    }
}
