namespace ServerlessGateway.Caching;

/// <summary>
/// A token bucket for vector-index inserts: up to a second's worth at once, refilled at the configured rate. Only the
/// cache writer takes from it (one thread), so it needs no lock.
/// </summary>
internal sealed class IndexWriteBudget
{
    private double tokens = double.NaN;
    private long last;

    public bool TryTake(int perSecond, long now, long frequency)
    {
        tokens = double.IsNaN(tokens) ? perSecond : Math.Min(perSecond, tokens + ((double)(now - last) / frequency * perSecond));
        last = now;
        if (tokens < 1)
        {
            return false;
        }

        tokens--;
        return true;
    }
}
