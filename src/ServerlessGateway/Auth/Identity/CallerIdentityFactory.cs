using System.Collections.Frozen;
using ServerlessGateway.Auth.Directory;
using ServerlessGateway.Auth.Keys;
using ServerlessGateway.Limits;

namespace ServerlessGateway.Auth.Identity;

/// <summary>Builds the full <see cref="CallerIdentity"/> (ids, scopes key → user → team → organisation, tags) of a stored or configured key.</summary>
public sealed class CallerIdentityFactory(IDirectoryStore directory)
{
    public async Task<CallerIdentity> ForStoredKeyAsync(StoredKey key, CancellationToken cancellationToken)
    {
        var chain = await DirectoryChain.ResolveAsync(directory, key.UserId, key.TeamId, key.OrganizationId, cancellationToken);
        var allowed = key.Models.Count == 0 ? null : key.Models.ToFrozenSet(StringComparer.Ordinal);
        return new CallerIdentity(key.Name, key.Role == KeyRoles.Admin, allowed)
        {
            KeyId = key.Id,
            UserId = chain.UserId,
            TeamId = chain.TeamId,
            OrganizationId = chain.OrganizationId,
            Scopes = [GovernedScopes.Of(new ScopeRef(ScopeLevel.Key, key.Id), key.Limits, key.Budget), .. chain.Scopes()],
            Tags = key.Tags.ToFrozenDictionary(StringComparer.Ordinal),
        };
    }

    /// <summary>A key from the configuration file keeps its own scope and gains its user's, team's and organisation's.</summary>
    public async Task<CallerIdentity> ForConfigKeyAsync(CallerIdentity configured, CancellationToken cancellationToken)
    {
        var chain = await DirectoryChain.ResolveAsync(directory, configured.UserId, configured.TeamId, configured.OrganizationId, cancellationToken);
        return new CallerIdentity(configured.KeyName, configured.IsAdmin, configured.AllowedModels)
        {
            KeyId = configured.KeyId,
            UserId = chain.UserId,
            TeamId = chain.TeamId,
            OrganizationId = chain.OrganizationId,
            Scopes = [.. configured.Scopes.Where(s => s.Scope.Level == ScopeLevel.Key), .. chain.Scopes()],
            Tags = configured.Tags,
        };
    }

    /// <summary>Whether a configured key needs the directory at all (most do not: they resolve without any lookup).</summary>
    public static bool NeedsDirectory(CallerIdentity configured) =>
        configured.UserId is not null || configured.TeamId is not null || configured.OrganizationId is not null;
}
