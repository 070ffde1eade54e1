using ServerlessGateway.Configuration;

namespace ServerlessGateway.Auth.Keys;

/// <summary>
/// A virtual key as the store keeps it. Never the secret: only its SHA-256 and a short display prefix.
/// <see cref="Version"/> changes on every write, so a conditional update can refuse a stale one.
/// </summary>
public sealed record StoredKey
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>Lowercase hex SHA-256 of the current secret.</summary>
    public required string Hash { get; init; }

    public required string DisplayPrefix { get; init; }

    /// <summary>One of <see cref="KeyRoles"/>.</summary>
    public string Role { get; init; } = KeyRoles.User;

    /// <summary>Logical models the key may call; empty means every model.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    public string? UserId { get; init; }

    public string? TeamId { get; init; }

    public string? OrganizationId { get; init; }

    public LimitOptions? Limits { get; init; }

    public BudgetOptions? Budget { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMap;

    /// <summary>Recorded with every request's usage (request tags are added to these).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = EmptyMap;

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>The secret before the last rotation, accepted until <see cref="PreviousHashValidUntil"/>.</summary>
    public string? PreviousHash { get; init; }

    public DateTimeOffset? PreviousHashValidUntil { get; init; }

    public long Version { get; init; } = 1;

    public static IReadOnlyDictionary<string, string> EmptyMap { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
