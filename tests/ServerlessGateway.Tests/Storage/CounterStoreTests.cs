using ServerlessGateway.Limits;
using ServerlessGateway.Storage.Memory;
using ServerlessGateway.Storage.Sqlite;
using ServerlessGateway.Tests.Infrastructure;
using ServerlessGateway.Tests.Limits;

namespace ServerlessGateway.Tests.Storage;

/// <summary>The conditional add every instance admits through: atomic, never past the limit, nothing lost, expiry resets.</summary>
public sealed class CounterStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly TempSqlite file = new();

    public void Dispose() => file.Dispose();

    [Fact]
    public async Task Contended_conditional_adds_over_two_databases_on_one_file_never_pass_the_limit_and_lose_nothing()
    {
        const long limit = 500;
        var time = new ManualTime(Start);
        var stores = new[] { new SqliteCounterStore(file.Open(), time), new SqliteCounterStore(file.Open(), time) };
        var expires = Start.AddMinutes(5);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            long added = 0;
            for (var round = 0; round < 5; round++)
            {
                var amount = 1 + ((i + round) % 7);
                if ((await stores[i % 2].TryAddAsync("rpm|contended", amount, limit, expires, CancellationToken.None)).Added)
                {
                    added += amount;
                }
            }

            return added;
        })));

        var total = await stores[0].ReadAsync("rpm|contended", CancellationToken.None);
        Assert.Equal(results.Sum(), total);
        Assert.True(total <= limit, $"total {total} passed the limit {limit}");
        Assert.True(total > limit - 7, $"demand was far above the limit, yet only {total} of {limit} was admitted");
    }

    [Fact]
    public async Task Contended_conditional_adds_in_memory_never_pass_the_limit_and_lose_nothing()
    {
        var store = new InMemoryCounterStore(new ManualTime(Start));
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            long added = 0;
            for (var round = 0; round < 50; round++)
            {
                if ((await store.TryAddAsync("k", 3, 1000, Start.AddMinutes(1), CancellationToken.None)).Added)
                {
                    added += 3;
                }
            }

            return added;
        })));

        Assert.Equal(999, results.Sum());
        Assert.Equal(999, await store.ReadAsync("k", CancellationToken.None));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("memory")]
    public async Task An_expired_counter_counts_as_zero_and_restarts_at_the_amount_added(string kind)
    {
        var time = new ManualTime(Start);
        var store = Create(kind, time);
        Assert.True((await store.TryAddAsync("w", 5, 5, Start.AddMinutes(1), CancellationToken.None)).Added);
        Assert.Equal(new CounterAdd(false, 5), await store.TryAddAsync("w", 1, 5, Start.AddMinutes(1), CancellationToken.None));

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, await store.ReadAsync("w", CancellationToken.None));
        Assert.Equal(new CounterAdd(true, 3), await store.TryAddAsync("w", 3, 5, Start.AddMinutes(2), CancellationToken.None));
        Assert.Equal(1, await store.AddAsync("w", -2, Start.AddMinutes(2), CancellationToken.None));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("memory")]
    public async Task An_amount_above_the_limit_is_refused_without_creating_the_counter(string kind)
    {
        var store = Create(kind, new ManualTime(Start));

        Assert.Equal(new CounterAdd(false, 0), await store.TryAddAsync("big", 11, 10, Start.AddMinutes(1), CancellationToken.None));
        Assert.Equal(new CounterAdd(true, 10), await store.TryAddAsync("big", 10, 10, Start.AddMinutes(1), CancellationToken.None));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("memory")]
    public async Task Unconditional_adds_may_pass_the_limit_and_a_later_expiry_is_kept(string kind)
    {
        var time = new ManualTime(Start);
        var store = Create(kind, time);
        await store.AddAsync("o", 8, Start.AddMinutes(10), CancellationToken.None);
        Assert.Equal(15, await store.AddAsync("o", 7, Start.AddMinutes(1), CancellationToken.None));

        time.Advance(TimeSpan.FromMinutes(5)); // past the shorter expiry, before the longer one

        Assert.Equal(15, await store.ReadAsync("o", CancellationToken.None));
    }

    [Fact]
    public async Task Expired_rows_are_deleted_from_the_file()
    {
        var time = new ManualTime(Start);
        var store = new SqliteCounterStore(file.Open(), time);
        await store.AddAsync("old", 1, Start.AddSeconds(30), CancellationToken.None);
        await store.AddAsync("young", 1, Start.AddMinutes(30), CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(2)); // past the sweep interval: the next operation deletes expired rows
        await store.AddAsync("another", 1, Start.AddMinutes(30), CancellationToken.None);

        Assert.Equal(0, store.DeleteExpired());
        using var connection = file.Open().Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT group_concat(key, ',') FROM (SELECT key FROM counters ORDER BY key)";
        Assert.Equal("another,young", count.ExecuteScalar());
    }

    private ICounterStore Create(string kind, TimeProvider time) =>
        kind == "sqlite" ? new SqliteCounterStore(file.Open(), time) : new InMemoryCounterStore(time);
}
