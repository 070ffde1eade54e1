using ServerlessGateway.Configuration;
using ServerlessGateway.Limits;

namespace ServerlessGateway.Auth.Directory;

/// <summary>
/// An organisation, team or user (by <see cref="Level"/>) with the limits and budget it carries.
/// A team may name its organisation; a user its team and/or organisation.
/// </summary>
public sealed record DirectoryEntry
{
    public required ScopeLevel Level { get; init; }

    public required string Id { get; init; }

    public string? Name { get; init; }

    public string? OrganizationId { get; init; }

    /// <summary>Users only.</summary>
    public string? TeamId { get; init; }

    public LimitOptions? Limits { get; init; }

    public BudgetOptions? Budget { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public required DateTimeOffset CreatedAt { get; init; }

    public long Version { get; init; } = 1;
}

/// <summary>Entries of one level, ordered by id, after the cursor, matching every filter given.</summary>
public sealed record DirectoryQuery(ScopeLevel Level, string? OrganizationId = null, string? TeamId = null, string? After = null, int Limit = 100);
