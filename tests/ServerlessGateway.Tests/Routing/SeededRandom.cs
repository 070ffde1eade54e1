using ServerlessGateway.Routing;

namespace ServerlessGateway.Tests.Routing;

/// <summary>A reproducible <see cref="IRandomSource"/> for distribution tests.</summary>
public sealed class SeededRandom(int seed) : IRandomSource
{
    private readonly Random random = new(seed);
    private readonly Lock gate = new();

    public double NextDouble()
    {
        lock (gate)
        {
            return random.NextDouble();
        }
    }
}
