namespace ServerlessGateway.Configuration;

/// <summary>Checks the storage and governance sections; every problem is listed, none stops at the first.</summary>
internal static class GovernanceValidation
{
    public static TimeZoneInfo Validate(GatewayOptions options, EnvironmentReferences environment, List<string> errors)
    {
        var storage = options.Storage;
        if (storage.Kind == StorageKinds.Memory && environment.Get(GatewayApplication.CustomHandlerPortVariable) is not null && Governs(options))
        {
            // Under the Functions host the app scales out: counters in one instance's memory would let every
            // instance admit the full limit (limit × instances), the failure users of other gateways report.
            errors.Add("Gateway:Storage:Kind is 'memory' while keys carry limits or budgets and the app runs under Azure Functions, which scales out: every instance would enforce them alone. Use a shared store.");
        }

        if (storage.Kind is not (StorageKinds.Sqlite or StorageKinds.Memory or StorageKinds.Cosmos))
        {
            errors.Add($"Gateway:Storage:Kind must be '{StorageKinds.Sqlite}', '{StorageKinds.Memory}' or '{StorageKinds.Cosmos}'; it is '{storage.Kind}'.");
        }
        else if (storage.Kind == StorageKinds.Sqlite && string.IsNullOrWhiteSpace(storage.SqlitePath))
        {
            errors.Add("Gateway:Storage:SqlitePath must name a file when Storage:Kind is 'sqlite'.");
        }
        else if (storage.Kind == StorageKinds.Cosmos)
        {
            CosmosValidation.Validate(storage.Cosmos, errors);
        }

        var governance = options.Governance;
        if (governance.DefaultMaxTokens is < 1 or > 10_000_000)
        {
            errors.Add($"Gateway:Governance:DefaultMaxTokens must be between 1 and 10000000; it is {governance.DefaultMaxTokens}.");
        }

        return ReadTimeZone(governance.TimeZone, errors);
    }

    private static bool Governs(GatewayOptions options) => options.Keys.Any(k => k.Limits is not null || k.Budget is not null);

    private static TimeZoneInfo ReadTimeZone(string? id, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(id) || id is "UTC" or "Etc/UTC")
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add($"Gateway:Governance:TimeZone must be an IANA time zone such as 'Europe/Berlin'; '{id}' is not known here.");
            return TimeZoneInfo.Utc;
        }
    }
}
