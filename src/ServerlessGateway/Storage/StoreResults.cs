namespace ServerlessGateway.Storage;

/// <summary>One page of a listing and whether more follow.</summary>
public sealed record StorePage<T>(IReadOnlyList<T> Items, bool HasMore);

public enum StoreWriteStatus
{
    Done,
    NotFound,
    Conflict,
    Duplicate,
}

/// <summary>The outcome of a write: the stored value when it is done.</summary>
public readonly record struct StoreWrite<T>(StoreWriteStatus Status, T? Value)
    where T : class;

public static class StoreWrite
{
    public static StoreWrite<T> Done<T>(T value)
        where T : class => new(StoreWriteStatus.Done, value);

    public static StoreWrite<T> Failed<T>(StoreWriteStatus status)
        where T : class => new(status, null);
}
