namespace ServerlessGateway.Storage;

/// <summary>
/// Read, change, write only if nobody wrote in between. With an expected version (the caller's If-Match) a
/// concurrent write is a conflict the caller sees; without one the change is re-applied to the fresh value,
/// so two writers of different fields both land instead of the later one erasing the earlier.
/// </summary>
public static class ConditionalUpdate
{
    private const int Attempts = 5;

    public static async Task<StoreWrite<T>> ApplyAsync<T>(
        Func<CancellationToken, Task<T?>> read,
        Func<T, long> versionOf,
        Func<T, long, CancellationToken, Task<StoreWrite<T>>> write,
        Func<T, T> change,
        long? expectedVersion,
        CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await read(cancellationToken) is not { } current)
            {
                return StoreWrite.Failed<T>(StoreWriteStatus.NotFound);
            }

            var version = versionOf(current);
            if (expectedVersion is { } expected && expected != version)
            {
                return StoreWrite.Failed<T>(StoreWriteStatus.Conflict);
            }

            var written = await write(change(current), version, cancellationToken);
            if (written.Status != StoreWriteStatus.Conflict || expectedVersion is not null || attempt + 1 >= Attempts)
            {
                return written;
            }
        }
    }
}
