using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using Azure.Identity;
using Microsoft.Azure.Cosmos;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Storage.Cosmos;

/// <summary>
/// The one CosmosClient of the process (the SDK wants a singleton: it holds the connections and the routing map), and
/// the containers of the configured database. Signs in with a managed identity unless a key is configured; the client
/// is made on first use, so an app that never touches Cosmos never connects.
/// </summary>
public sealed class CosmosAccount : IDisposable
{
    /// <summary>
    /// How documents are written: System.Text.Json, camelCase, nulls left out. Patch paths and queries use these names
    /// (a property <c>Count</c> is <c>/count</c>).
    /// </summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Lazy<CosmosClient> client;
    private readonly string database;

    public CosmosAccount(CosmosOptions options, Func<TokenCredential> defaultCredential)
    {
        database = options.Database;
        client = new Lazy<CosmosClient>(() => Create(options, defaultCredential));
    }

    public CosmosClient Client => client.Value;

    public Container Container(string name) => Client.GetContainer(database, name);

    public void Dispose()
    {
        if (client.IsValueCreated)
        {
            client.Value.Dispose();
        }
    }

    internal static CosmosClientOptions ClientOptions(CosmosOptions options) => new()
    {
        ApplicationName = "ServerlessGateway",
        ConnectionMode = options.ConnectionMode == CosmosConnectionModes.Gateway ? ConnectionMode.Gateway : ConnectionMode.Direct,

        // Throttling (429) is retried by the SDK itself, each time after the delay the service names (x-ms-retry-after-ms).
        MaxRetryAttemptsOnRateLimitedRequests = 9,
        MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromSeconds(options.MaxRetryWaitSeconds),
        UseSystemTextJsonSerializerWithOptions = Json,
        EnableContentResponseOnWrite = false,
    };

    private static CosmosClient Create(CosmosOptions options, Func<TokenCredential> defaultCredential)
    {
        var clientOptions = ClientOptions(options);
        if (!string.IsNullOrEmpty(options.Key))
        {
            return new CosmosClient(options.Endpoint, options.Key, clientOptions);
        }

        TokenCredential credential = options.ManagedIdentityClientId is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : defaultCredential();
        return new CosmosClient(options.Endpoint, credential, clientOptions);
    }
}
