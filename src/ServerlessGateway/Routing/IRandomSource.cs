namespace ServerlessGateway.Routing;

/// <summary>
/// Randomness for routing and resilience decisions (weighted choice, canary split, retry jitter, fault rates),
/// injected so a test can fix the draw instead of asserting on luck.
/// </summary>
public interface IRandomSource
{
    /// <summary>A value in [0, 1).</summary>
    double NextDouble();
}

/// <summary>The process-wide thread-safe generator.</summary>
public sealed class SharedRandomSource : IRandomSource
{
    public double NextDouble() => Random.Shared.NextDouble();
}
