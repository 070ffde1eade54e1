namespace ServerlessGateway.Limits;

/// <summary>
/// The shared counters every instance admits from (rate-limit windows, budget periods). One atomic
/// primitive — add n only if total + n stays within the limit — is all cross-instance correctness needs;
/// implementations: in memory (one instance) and SQLite (several processes on one file), Cosmos DB later.
/// Counters are created on first use and may be deleted once <c>expires</c> has passed.
/// </summary>
public interface ICounterStore
{
    /// <summary>Adds <paramref name="amount"/> when total + amount ≤ <paramref name="limit"/>; returns whether it did and the total after.</summary>
    ValueTask<CounterAdd> TryAddAsync(string key, long amount, long limit, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>Adds unconditionally (settling an overrun, returning an unused lease with a negative amount).</summary>
    ValueTask<long> AddAsync(string key, long amount, DateTimeOffset expires, CancellationToken cancellationToken);

    ValueTask<long> ReadAsync(string key, CancellationToken cancellationToken);
}

/// <summary>The result of a conditional add: whether it was applied, and the counter's total afterwards (or as found).</summary>
public readonly record struct CounterAdd(bool Added, long Total);
