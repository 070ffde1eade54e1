namespace ServerlessGateway.Caching.Stores;

/// <summary>Bounds of the in-process cache store.</summary>
public sealed class MemoryCacheStoreOptions
{
    /// <summary>The most the cached entries may hold, by their estimated size (<see cref="MemoryCacheStore.SizeOf"/>).</summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;
}
