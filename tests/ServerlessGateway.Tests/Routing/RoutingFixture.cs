using System.Text;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Routing;
using ServerlessGateway.Routing.Health;
using ServerlessGateway.Routing.Strategies;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Routing;

/// <summary>A compiled configuration with one model over mock deployments, and a planner over real strategies.</summary>
internal sealed class RoutingFixture
{
    public RoutingFixture(string strategy, params DeploymentOptions[] deployments)
        : this(new GatewayOptions
        {
            Providers = { ["a"] = new ProviderOptions { Type = "mock" }, ["b"] = new ProviderOptions { Type = "mock" }, ["c"] = new ProviderOptions { Type = "mock" } },
            Models = { ["m"] = new ModelOptions { Strategy = strategy, Deployments = deployments.ToList() } },
        })
    {
    }

    public RoutingFixture(GatewayOptions options)
    {
        var result = new GatewaySnapshotBuilder(new EnvironmentReferences(_ => null), Time).Build(options);
        Snapshot = result.Snapshot ?? throw new InvalidOperationException(string.Join("\n", result.Errors));
        Health = new DeploymentHealthRegistry(() => Snapshot.Resilience.Breaker, Time);
        Planner = new RoutePlanner(
            new RoutingStrategies([new OrderedStrategy(), new WeightedStrategy(), new LowestLatencyStrategy(), new LeastBusyStrategy(), new LowestCostStrategy(), new UsageHeadroomStrategy()]),
            Health);
    }

    public ManualTime Time { get; } = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    public GatewaySnapshot Snapshot { get; }

    public DeploymentHealthRegistry Health { get; }

    public RoutePlanner Planner { get; }

    public IRandomSource Random { get; set; } = new SeededRandom(7);

    public static DeploymentOptions Deployment(string provider, string model, double weight = 1, int priority = 0) =>
        new() { Provider = provider, Model = model, Weight = weight, Priority = priority };

    public DeploymentHealth HealthOf(string deployment) =>
        Health.For(Snapshot.Models.Values.SelectMany(m => m.Deployments).First(d => d.Name == deployment));

    /// <summary>The planned order of deployment names for one request to <paramref name="model"/>.</summary>
    public string[] Plan(string model = "m", string body = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""", long? promptTokens = null)
    {
        var request = ChatRequestParser.Parse(PooledBody.FromBytes(Encoding.UTF8.GetBytes(body))).Value!;
        var context = new RoutingContext(request, Snapshot, () => promptTokens ?? request.Body.Memory.Length / 4, Random, Time);
        return Planner.Plan(Snapshot.Models[model], context, new RouteTrace()).Select(c => c.Deployment.Name).ToArray();
    }
}
