namespace ServerlessGateway.Caching.Stores;

/// <summary>
/// Which keys this process knows the SQLite file holds, so that a miss — the common case for unique prompts — is
/// answered from memory instead of a database read on the request path. Bounded like the table (the oldest keys go
/// first, as the table's trim drops the soonest to expire): a key forgotten here is only a miss, and its answer is
/// stored again. A key still listed here whose row is gone (trimmed, or removed by another process) costs one read.
/// Entries written by other processes sharing the file are learnt at start and at every <see cref="Learn"/> call.
/// Keys are held as their first 8 bytes (16 hex digits): a collision makes a database read, never a wrong answer.
/// </summary>
public sealed class StoredKeys(long bound)
{
    private readonly Dictionary<ulong, long> expiries = [];
    private readonly Queue<ulong> order = new();
    private readonly Lock gate = new();

    public int Count
    {
        get
        {
            lock (gate)
            {
                return expiries.Count;
            }
        }
    }

    public bool MayHold(string key, long nowMs)
    {
        lock (gate)
        {
            return expiries.TryGetValue(Prefix(key), out var expires) && expires > nowMs;
        }
    }

    public void Learn(string key, long expiresMs)
    {
        var prefix = Prefix(key);
        lock (gate)
        {
            if (!expiries.ContainsKey(prefix))
            {
                order.Enqueue(prefix);
            }

            expiries[prefix] = expiresMs;
            // The queue may hold forgotten keys too: it is kept within twice the bound whatever they are.
            while ((expiries.Count > bound || order.Count > 2 * bound) && order.TryDequeue(out var oldest))
            {
                expiries.Remove(oldest);
            }
        }
    }

    public void Forget(string key)
    {
        lock (gate)
        {
            expiries.Remove(Prefix(key)); // its place in the order queue is skipped when it comes up
        }
    }

    private static ulong Prefix(string key) =>
        key.Length >= 16 && ulong.TryParse(key.AsSpan(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var prefix)
            ? prefix
            : (ulong)string.GetHashCode(key, StringComparison.Ordinal); // not a SHA-256 key (tests): still consistent within the process
}
