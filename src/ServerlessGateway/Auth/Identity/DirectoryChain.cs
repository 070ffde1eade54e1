using ServerlessGateway.Auth.Directory;
using ServerlessGateway.Limits;

namespace ServerlessGateway.Auth.Identity;

/// <summary>
/// The user, team and organisation a key belongs to, with inheritance filled in: a key naming only a user gets
/// the user's team and organisation; a team gives its organisation. Ids named explicitly win over inherited ones
/// (the admin API refuses contradictions when the key is written). An id whose entry does not exist (yet) is kept,
/// as a scope without limits, so usage is still attributed to it.
/// </summary>
public sealed record DirectoryChain(string? UserId, string? TeamId, string? OrganizationId, DirectoryEntry? User, DirectoryEntry? Team, DirectoryEntry? Organization)
{
    public static readonly DirectoryChain Empty = new(null, null, null, null, null, null);

    public static async Task<DirectoryChain> ResolveAsync(
        IDirectoryStore directory, string? userId, string? teamId, string? organizationId, CancellationToken cancellationToken)
    {
        if (userId is null && teamId is null && organizationId is null)
        {
            return Empty;
        }

        var user = userId is null ? null : await directory.GetAsync(ScopeLevel.User, userId, cancellationToken);
        teamId ??= user?.TeamId;
        var team = teamId is null ? null : await directory.GetAsync(ScopeLevel.Team, teamId, cancellationToken);
        organizationId ??= user?.OrganizationId ?? team?.OrganizationId;
        var organization = organizationId is null ? null : await directory.GetAsync(ScopeLevel.Organization, organizationId, cancellationToken);
        return new DirectoryChain(userId, teamId, organizationId, user, team, organization);
    }

    /// <summary>The user, team and organisation scopes, in that order (those the chain has).</summary>
    public IEnumerable<GovernedScope> Scopes()
    {
        if (UserId is not null)
        {
            yield return Scope(ScopeLevel.User, UserId, User);
        }

        if (TeamId is not null)
        {
            yield return Scope(ScopeLevel.Team, TeamId, Team);
        }

        if (OrganizationId is not null)
        {
            yield return Scope(ScopeLevel.Organization, OrganizationId, Organization);
        }
    }

    private static GovernedScope Scope(ScopeLevel level, string id, DirectoryEntry? entry) =>
        GovernedScopes.Of(new ScopeRef(level, id), entry?.Limits, entry?.Budget);
}
