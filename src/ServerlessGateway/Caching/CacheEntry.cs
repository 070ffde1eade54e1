using ServerlessGateway.Accounting;

namespace ServerlessGateway.Caching;

/// <summary>
/// One cached answer. Partition = tenant + resolved model + namespace, already hashed by the caller of the store;
/// nothing is ever looked up across partitions.
/// </summary>
public sealed record CacheEntry
{
    /// <summary>The exact key: lowercase hex SHA-256 (64 chars).</summary>
    public required string Key { get; init; }

    /// <summary>Opaque string, at most 128 chars.</summary>
    public required string Partition { get; init; }

    /// <summary>The OpenAI JSON answer (chat.completion or embeddings list).</summary>
    public required byte[] Response { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>What the original call used.</summary>
    public TokenUsage Usage { get; init; }

    /// <summary>What the original call cost.</summary>
    public decimal CostUsd { get; init; }

    // Semantic part: all null when the entry is only in the exact cache.

    /// <summary>Partition + embedder name + context hash (opaque).</summary>
    public string? SemanticPartition { get; init; }

    /// <summary>The text that was embedded (the last user message).</summary>
    public string? SemanticText { get; init; }

    /// <summary>L2-normalised embedding of <see cref="SemanticText"/>.</summary>
    public float[]? Vector { get; init; }
}
