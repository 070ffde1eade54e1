using ServerlessGateway.Configuration;
using ServerlessGateway.Routing.Health;

namespace ServerlessGateway.Routing;

/// <summary>One deployment the request may go to, reached through <see cref="Model"/> (the model asked for or a fallback).</summary>
public sealed class RouteCandidate(Deployment deployment, LogicalModel model, DeploymentHealth health)
{
    public Deployment Deployment { get; } = deployment;

    public LogicalModel Model { get; } = model;

    public DeploymentHealth Health { get; } = health;

    /// <summary>A strategy's sort key (lower goes first); scratch space, set by the strategy that orders the group.</summary>
    internal double SortKey { get; set; }
}
