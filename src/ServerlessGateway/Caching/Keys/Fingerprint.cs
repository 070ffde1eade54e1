namespace ServerlessGateway.Caching.Keys;

/// <summary>Whose request it is and what it resolved to: nothing is shared across any of these.</summary>
public readonly record struct FingerprintScope(string Tenant, string ResolvedModel, string Namespace, string Kind /* "chat" | "embeddings" */)
{
    public const string ChatKind = "chat";
    public const string EmbeddingsKind = "embeddings";
}

/// <summary>What the cache knows of one request; see <see cref="RequestFingerprint.Compute"/>.</summary>
/// <param name="Key">Lowercase hex SHA-256 of the scope and the whole canonical request (less the fields that cannot change the answer).</param>
/// <param name="Partition">32 lowercase hex chars: tenant + resolved model + namespace + kind.</param>
/// <param name="Temperature">The request's temperature when it is a number, else null.</param>
/// <param name="HasSeed">Whether the request has a non-null "seed".</param>
/// <param name="ContextKey">Chat only: the key of the request with the last message's content replaced by a marker; null unless that message is a text-only user message.</param>
/// <param name="SemanticText">That last user message's text (text parts joined with "\n"); null when <paramref name="ContextKey"/> is.</param>
public sealed record Fingerprint(
    string Key,
    string Partition,
    double? Temperature,
    bool HasSeed,
    string? ContextKey,
    string? SemanticText);
