using System.Collections.Concurrent;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Health;

/// <summary>
/// Every deployment's shared health, by deployment name: the same deployment listed under two logical models is one
/// upstream, with one breaker. Breaker settings are read when a deployment is first seen (a reload that changes them
/// applies to deployments seen afterwards; the state itself survives reloads, as the upstream's health does).
/// </summary>
public sealed class DeploymentHealthRegistry(Func<BreakerOptions> breaker, TimeProvider time)
{
    private readonly Func<BreakerOptions> breaker = breaker;
    private readonly TimeProvider time = time;
    private readonly ConcurrentDictionary<string, DeploymentHealth> deployments = new(StringComparer.Ordinal);

    /// <summary>Raised when any deployment finishes a call.</summary>
    public event Action? Released;

    public DeploymentHealth For(Deployment deployment) =>
        deployments.TryGetValue(deployment.Name, out var health) ? health : Add(deployment.Name);

    private DeploymentHealth Add(string name) =>
        deployments.GetOrAdd(name, static (key, self) =>
        {
            var health = new DeploymentHealth(key, self.breaker(), self.time);
            health.Released += () => self.Released?.Invoke();
            return health;
        }, this);
}
