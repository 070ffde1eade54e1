using Azure.Identity;
using ServerlessGateway.Configuration;
using ServerlessGateway.Storage.Cosmos;

namespace ServerlessGateway.Tests.Storage.Cosmos;

/// <summary>
/// A real Cosmos DB account for the Cosmos stores' contract tests, named by environment variables; the tests that need
/// one skip with this message otherwise (no emulator runs on these machines). The database and its containers must
/// exist as infra-bicep declares them (database name from GATEWAY_TEST_COSMOS_DATABASE, default "gateway-test").
/// </summary>
internal static class LiveCosmos
{
    public const string EndpointVariable = "GATEWAY_TEST_COSMOS_ENDPOINT";
    public const string KeyVariable = "GATEWAY_TEST_COSMOS_KEY";
    public const string DatabaseVariable = "GATEWAY_TEST_COSMOS_DATABASE";

    private static readonly Lazy<CosmosAccount?> Shared = new(() =>
        Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } endpoint
            ? new CosmosAccount(
                new CosmosOptions
                {
                    Endpoint = endpoint,
                    Key = Environment.GetEnvironmentVariable(KeyVariable),
                    Database = Environment.GetEnvironmentVariable(DatabaseVariable) is { Length: > 0 } database ? database : "gateway-test",
                },
                () => new DefaultAzureCredential())
            : null);

    /// <summary>The account, or a skip naming the variables to set.</summary>
    public static CosmosAccount Account()
    {
        var account = Shared.Value;
        if (account is null)
        {
            Assert.Skip($"No Cosmos DB account configured: set {EndpointVariable} (and {KeyVariable}, or sign in for DefaultAzureCredential; {DatabaseVariable} defaults to gateway-test) to run the Cosmos contract tests against a real account.");
        }

        return account;
    }

    /// <summary>A prefix no other run uses, so tests on a shared account never see each other's documents.</summary>
    public static string RunPrefix(string test) => $"t{Guid.NewGuid():N}-{test}-";
}
