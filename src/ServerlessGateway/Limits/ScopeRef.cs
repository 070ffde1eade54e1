namespace ServerlessGateway.Limits;

/// <summary>The levels of the hierarchy a request belongs to; each may carry limits and a budget.</summary>
public enum ScopeLevel
{
    Organization,
    Team,
    User,
    Key,
}

/// <summary>One node of the hierarchy: a level and the id of the organisation, team, user or key there.</summary>
public readonly record struct ScopeRef(ScopeLevel Level, string Id)
{
    /// <summary>The lowercase level name used in counter keys, headers, error messages and reports.</summary>
    public string LevelName => Level switch
    {
        ScopeLevel.Organization => "organization",
        ScopeLevel.Team => "team",
        ScopeLevel.User => "user",
        _ => "key",
    };

    public override string ToString() => LevelName + ":" + Id;
}
