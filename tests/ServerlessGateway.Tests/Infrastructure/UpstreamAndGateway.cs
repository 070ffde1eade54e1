using System.Text.Json.Nodes;

namespace ServerlessGateway.Tests.Infrastructure;

/// <summary>
/// One fake upstream and one gateway configured against it, shared by the tests of a class (xunit
/// runs a class's tests one at a time, so each test can point the upstream at what it needs).
/// </summary>
public abstract class UpstreamAndGateway : IAsyncLifetime
{
    private FakeUpstream? upstream;
    private GatewayHost? gateway;

    public FakeUpstream Upstream => upstream ?? throw new InvalidOperationException("not started");

    public GatewayHost Gateway => gateway ?? throw new InvalidOperationException("not started");

    /// <summary>The gateway's configuration, given the upstream's base URL.</summary>
    protected abstract JsonObject Configure(string upstreamBaseUrl);

    /// <summary>Environment variables the configuration's ${NAME} references read.</summary>
    protected virtual IReadOnlyDictionary<string, string>? Environment => null;

    public async ValueTask InitializeAsync()
    {
        upstream = await FakeUpstream.StartAsync();
        gateway = await GatewayHost.StartAsync(Isolated(Configure(upstream.BaseUrl)), Environment);
    }

    /// <summary>
    /// The class's tests replay unrelated scenarios (many of them failures) through one deployment, one after another:
    /// without this, one test's failures would open the deployment's breaker for the next, and retries would double
    /// the requests a test counts. Breakers and retries have tests of their own (Routing/).
    /// </summary>
    private static JsonObject Isolated(JsonObject config)
    {
        if (config["Gateway"] is JsonObject gateway && gateway["Resilience"] is null)
        {
            gateway["Resilience"] = new JsonObject
            {
                ["Breaker"] = new JsonObject { ["Enabled"] = false },
                ["Retry"] = new JsonObject { ["MaxRetries"] = 0 },
            };
        }

        return config;
    }

    public async ValueTask DisposeAsync()
    {
        if (gateway is not null)
        {
            await gateway.DisposeAsync();
        }

        if (upstream is not null)
        {
            await upstream.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
