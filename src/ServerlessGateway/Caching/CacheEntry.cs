using ServerlessGateway.Accounting;

namespace ServerlessGateway.Caching;
/// One cached answer. Partition = tenant + resolved model + namespace, already hashed by the caller of the store;
/// nothing is ever looked up across partitions.
public sealed record CacheEntry
{
    public required string Key { get; init; }            // exact key, lowercase hex SHA-256 (64 chars)
    public required string Partition { get; init; }      // opaque string, <= 128 chars
    public required byte[] Response { get; init; }       // the OpenAI JSON answer (chat.completion or embeddings list)
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public TokenUsage Usage { get; init; }               // what the original call used
    public decimal CostUsd { get; init; }                // what the original call cost
    // Semantic part: all null when the entry is only in the exact cache.
    public string? SemanticPartition { get; init; }      // Partition + embedder name + context hash (opaque)
    public string? SemanticText { get; init; }           // the text that was embedded (the last user message)
    public float[]? Vector { get; init; }                // L2-normalised embedding of SemanticText
}
