using Microsoft.Extensions.Logging.Abstractions;
using ServerlessGateway.Limits;
using ServerlessGateway.Limits.Leases;
using ServerlessGateway.Storage.Memory;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Limits;

/// <summary>The lease book keeps the store off the hot path: coalesced refills, shrinking leases, exact fallback.</summary>
public sealed class LeaseBookTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualTime time = new(Start);

    [Fact]
    public async Task Concurrent_takes_on_an_empty_lease_share_one_store_call()
    {
        var store = new SlowStore(new InMemoryCounterStore(time));
        var book = new LeaseBook(store, time, NullLogger<LeaseBook>.Instance);
        var counter = new CounterRef("rpm|k", 800, Start.AddMinutes(2), LeaseKind.Window);

        var takes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => book.TakeAsync(counter, 1, CancellationToken.None).AsTask()));

        Assert.All(takes, t => Assert.True(t.Admitted));
        Assert.Equal(1, store.Calls);
        Assert.Equal(new LeaseUtilisation(100, 50, 0, 1), book.Utilisation); // a lease of 1/8 of the limit
    }

    [Fact]
    public async Task Leases_shrink_as_the_window_fills_and_the_last_one_is_exactly_what_is_needed()
    {
        var store = new InMemoryCounterStore(time);
        var book = new LeaseBook(store, time, NullLogger<LeaseBook>.Instance);
        var counter = new CounterRef("tpm|k", 1000, Start.AddMinutes(2), LeaseKind.Window);
        await store.AddAsync(counter.Key, 900, counter.Expires, CancellationToken.None); // other instances took 900

        // Not knowing the total yet, the book asks for 1/8 of the limit (125), is refused, and takes exactly 10.
        Assert.True((await book.TakeAsync(counter, 10, CancellationToken.None)).Admitted);
        Assert.Equal(910, await store.ReadAsync(counter.Key, CancellationToken.None));
        Assert.True((await book.TakeAsync(counter, 10, CancellationToken.None)).Admitted);
        Assert.Equal(921, await store.ReadAsync(counter.Key, CancellationToken.None)); // 1/8 of the 90 left: 11

        await store.AddAsync(counter.Key, 73, counter.Expires, CancellationToken.None); // 994: 6 left, 1 of them ours
        Assert.True((await book.TakeAsync(counter, 5, CancellationToken.None)).Admitted);
        Assert.Equal(998, await store.ReadAsync(counter.Key, CancellationToken.None)); // 9 refused, then exactly the 4 missing

        var calls = book.Utilisation.StoreCalls;
        Assert.False((await book.TakeAsync(counter, 3, CancellationToken.None)).Admitted);
        Assert.Equal(calls, book.Utilisation.StoreCalls); // a window's total only grows: refused without asking again
    }

    [Fact]
    public async Task A_period_lease_is_small_and_comes_back_at_shutdown()
    {
        var store = new InMemoryCounterStore(time);
        var book = new LeaseBook(store, time, NullLogger<LeaseBook>.Instance);
        var counter = new CounterRef("budget:team:t:all", 1_000_000, DateTimeOffset.MaxValue, LeaseKind.Period);

        Assert.True((await book.TakeAsync(counter, 1000, CancellationToken.None)).Admitted);
        Assert.Equal(10_000, await store.ReadAsync(counter.Key, CancellationToken.None)); // 1% of the budget, not 1/8 of it

        var small = new CounterRef("budget:team:s:all", 200_000, DateTimeOffset.MaxValue, LeaseKind.Period);
        Assert.True((await book.TakeAsync(small, 1000, CancellationToken.None)).Admitted);
        Assert.Equal(4000, await store.ReadAsync(small.Key, CancellationToken.None)); // four reservations when that is more than 1%

        await book.MaintainAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(1000, await store.ReadAsync(counter.Key, CancellationToken.None));
        Assert.Equal(1000, await store.ReadAsync(small.Key, CancellationToken.None));
        Assert.Equal(9000 + 3000, book.Utilisation.Returned);
    }

    [Fact]
    public async Task A_burst_waiting_on_each_others_refills_gets_the_whole_allowance()
    {
        // Each refill takes 1/8 of what is left, so most of the 200 wait through many refills; waiting must not
        // count against a request's own refill attempts, or it is refused while the window still has room.
        var store = new SlowStore(new InMemoryCounterStore(time));
        var book = new LeaseBook(store, time, NullLogger<LeaseBook>.Instance);
        var counter = new CounterRef("rpm|burst", 60, Start.AddMinutes(2), LeaseKind.Window);

        var takes = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => book.TakeAsync(counter, 1, CancellationToken.None).AsTask()));

        Assert.Equal(60, takes.Count(t => t.Admitted));
        Assert.Equal(60, await store.ReadAsync(counter.Key, CancellationToken.None));
    }

    [Fact]
    public async Task An_idle_period_counter_is_forgotten_after_its_lease_is_returned_and_rebuilt_on_use()
    {
        var store = new InMemoryCounterStore(time);
        var book = new LeaseBook(store, time, NullLogger<LeaseBook>.Instance);
        var counter = new CounterRef("budget:key:k:all", 1_000_000, DateTimeOffset.MaxValue, LeaseKind.Period);
        Assert.True((await book.TakeAsync(counter, 1000, CancellationToken.None)).Admitted);

        time.Advance(TimeSpan.FromMinutes(1));
        await book.MaintainAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
        Assert.NotNull(book.View(counter.Key)); // lease returned, counter still known

        time.Advance(TimeSpan.FromMinutes(5));
        await book.MaintainAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
        Assert.Null(book.View(counter.Key)); // idle and empty: forgotten, no more reads each second

        Assert.True((await book.TakeAsync(counter, 1000, CancellationToken.None)).Admitted);
        Assert.Equal(2000, book.View(counter.Key)!.Value.Used); // the first 1000 (kept as spent) and the new 1000
    }

    /// <summary>A store that takes a moment per call and counts calls.</summary>
    private sealed class SlowStore(ICounterStore inner) : ICounterStore
    {
        private int calls;

        public int Calls => calls;

        public async ValueTask<CounterAdd> TryAddAsync(string key, long amount, long limit, DateTimeOffset expires, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref calls);
            await Task.Delay(50, cancellationToken);
            return await inner.TryAddAsync(key, amount, limit, expires, cancellationToken);
        }

        public ValueTask<long> AddAsync(string key, long amount, DateTimeOffset expires, CancellationToken cancellationToken) =>
            inner.AddAsync(key, amount, expires, cancellationToken);

        public ValueTask<long> ReadAsync(string key, CancellationToken cancellationToken) => inner.ReadAsync(key, cancellationToken);
    }
}
