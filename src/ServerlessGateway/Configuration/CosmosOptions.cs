namespace ServerlessGateway.Configuration;

/// <summary>
/// Gateway:Storage:Cosmos — the Cosmos DB for NoSQL account every store uses when Storage:Kind is "cosmos". The database
/// and its containers (<see cref="Storage.Cosmos.CosmosContainers"/>) are declared in Bicep: with local (key) auth
/// disabled, data-plane RBAC cannot create them from code.
/// </summary>
public sealed class CosmosOptions
{
    /// <summary>The account endpoint, e.g. https://my-account.documents.azure.com:443/.</summary>
    public string? Endpoint { get; set; }

    public string Database { get; set; } = "gateway";

    /// <summary>
    /// Client id of the user-assigned managed identity to sign in with; when null, DefaultAzureCredential (which reads
    /// AZURE_CLIENT_ID, then tries the other Azure sign-ins).
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// An account key (or ${ENV} reference), for trying the gateway against an account that still allows key auth.
    /// The Bicep deployment disables key auth: the managed identity is the production path.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>"direct" (TCP to the replicas: lowest latency) or "gateway" (HTTPS 443 only, for strict firewalls).</summary>
    public string ConnectionMode { get; set; } = CosmosConnectionModes.Direct;

    /// <summary>How long the SDK may keep retrying throttled (429) operations, waiting the delay the service asks for.</summary>
    public int MaxRetryWaitSeconds { get; set; } = 30;
}

public static class CosmosConnectionModes
{
    public const string Direct = "direct";
    public const string Gateway = "gateway";
}

internal static class CosmosValidation
{
    public static void Validate(CosmosOptions cosmos, List<string> errors)
    {
        if (!Uri.TryCreate(cosmos.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"Gateway:Storage:Cosmos:Endpoint must be the account's https URL when Storage:Kind is 'cosmos'; it is '{cosmos.Endpoint}'.");
        }

        if (string.IsNullOrWhiteSpace(cosmos.Database))
        {
            errors.Add("Gateway:Storage:Cosmos:Database must name the database.");
        }

        if (cosmos.ConnectionMode is not (CosmosConnectionModes.Direct or CosmosConnectionModes.Gateway))
        {
            errors.Add($"Gateway:Storage:Cosmos:ConnectionMode must be '{CosmosConnectionModes.Direct}' or '{CosmosConnectionModes.Gateway}'; it is '{cosmos.ConnectionMode}'.");
        }

        if (cosmos.MaxRetryWaitSeconds is < 0 or > 300)
        {
            errors.Add($"Gateway:Storage:Cosmos:MaxRetryWaitSeconds must be between 0 and 300; it is {cosmos.MaxRetryWaitSeconds}.");
        }
    }
}
