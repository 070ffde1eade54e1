using System.Buffers;
using ServerlessGateway.Auth.Directory;
using ServerlessGateway.Budgets;
using ServerlessGateway.Configuration;
using ServerlessGateway.Limits;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints.Admin.Identity;

/// <summary>Checks what the admin API is asked to store; the first problem found is answered as a 400 naming its field.</summary>
public static class AdminValidation
{
    private const int MaxMapEntries = 64;
    private static readonly SearchValues<char> IdCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:@");

    /// <summary>Ids chosen by callers end up in URLs, counter keys and logs: keep them plain.</summary>
    public static GatewayError? Id(string? id, string param = "id") =>
        id is { Length: >= 1 and <= 128 } && !id.AsSpan().ContainsAnyExcept(IdCharacters)
            ? null
            : AdminErrors.Invalid(param, $"'{param}' must be 1 to 128 letters, digits or - _ . : @.");

    public static GatewayError? Name(string? name, bool required) =>
        name is null && !required ? null
        : name is { Length: >= 1 and <= 200 } && !string.IsNullOrWhiteSpace(name) ? null
        : AdminErrors.Invalid("name", "'name' must be 1 to 200 characters.");

    /// <summary>Limits must read (positive numbers) and name only models this gateway serves.</summary>
    public static GatewayError? Limits(LimitOptions? limits, GatewaySnapshot snapshot)
    {
        var errors = new List<string>();
        LimitSpecReader.Read(limits, "limits", errors);
        errors.AddRange((limits?.PerModel.Keys ?? Enumerable.Empty<string>())
            .Where(m => !snapshot.Models.ContainsKey(m))
            .Select(m => $"limits:per_model names '{m}', which this gateway does not serve."));
        return errors.Count == 0 ? null : AdminErrors.Invalid("limits", string.Join(" ", errors));
    }

    public static GatewayError? Budget(BudgetOptions? budget)
    {
        var errors = new List<string>();
        BudgetSpecReader.Read(budget, "budget", errors);
        return errors.Count == 0 ? null : AdminErrors.Invalid("budget", string.Join(" ", errors));
    }

    /// <summary>Metadata and tags: a few short strings, not a document store.</summary>
    public static GatewayError? Map(IReadOnlyDictionary<string, string> map, string param) =>
        map.Count <= MaxMapEntries && map.All(e => e.Key.Length is >= 1 and <= 64 && e.Value is { Length: <= 512 })
            ? null
            : AdminErrors.Invalid(param, $"'{param}' takes at most {MaxMapEntries} entries, names 1 to 64 characters, values at most 512.");

    /// <summary>Every model named must be one this gateway serves, or its auto model ("*" alone means all, stored as none named).</summary>
    public static GatewayError? Models(IReadOnlyList<string> models, GatewaySnapshot snapshot) =>
        models.FirstOrDefault(m => m != "*" && !snapshot.Models.ContainsKey(m) && !snapshot.Selection.IsAutoModel(m)) is { } unknown
            ? AdminErrors.Invalid("models", $"'models' names '{unknown}', which this gateway does not serve. Models: {string.Join(", ", snapshot.Models.Keys.Order(StringComparer.Ordinal).Take(20))}.")
            : null;

    /// <summary>
    /// The user, team and organisation named must exist and agree: a user's team and organisation, a team's
    /// organisation, are the ones named beside them (or not named at all).
    /// </summary>
    public static async Task<GatewayError?> ChainAsync(IDirectoryStore directory, string? userId, string? teamId, string? organizationId, CancellationToken cancellationToken)
    {
        var user = userId is null ? null : await directory.GetAsync(ScopeLevel.User, userId, cancellationToken);
        var team = teamId is null ? null : await directory.GetAsync(ScopeLevel.Team, teamId, cancellationToken);
        var organization = organizationId is null ? null : await directory.GetAsync(ScopeLevel.Organization, organizationId, cancellationToken);
        return (userId, user) is (not null, null) ? Unknown("user_id", "user", userId)
            : (teamId, team) is (not null, null) ? Unknown("team_id", "team", teamId)
            : (organizationId, organization) is (not null, null) ? Unknown("organization_id", "organization", organizationId)
            : Disagree("team_id", user?.TeamId, teamId, $"user '{userId}'")
                ?? Disagree("organization_id", user?.OrganizationId, organizationId, $"user '{userId}'")
                ?? Disagree("organization_id", team?.OrganizationId, organizationId, $"team '{teamId}'")
                ?? Disagree("organization_id", team?.OrganizationId, user?.OrganizationId, $"team '{teamId}' (the user's organisation differs)");
    }

    private static GatewayError Unknown(string param, string what, string id) => AdminErrors.Invalid(param, $"There is no {what} with id '{id}'.");

    private static GatewayError? Disagree(string param, string? inherited, string? named, string owner) =>
        inherited is not null && named is not null && inherited != named
            ? AdminErrors.Invalid(param, $"'{param}' is '{named}', but {owner} belongs to '{inherited}'.")
            : null;
}
