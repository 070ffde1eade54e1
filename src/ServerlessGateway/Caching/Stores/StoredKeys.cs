namespace ServerlessGateway.Caching.Stores;

/// <summary>
/// The SQLite store's index, in memory: each key's newest row and when it expires. The table is an append-only log
/// with no index of its own — a B-tree over random hash keys made every insert rewrite a random page, which cost more
/// than the answer itself — so a lookup is one read by rowid, and a miss (the common case for unique prompts) no read
/// at all. Kept in insertion order with the same bound as the table, whose trim drops the oldest rows too. Keys are
/// held as their first 8 bytes (16 hex digits); the row's full key is checked on read, so a collision is a miss.
/// </summary>
public sealed class StoredKeys(long bound)
{
    private readonly Dictionary<ulong, (long Row, long ExpiresMs)> rows = [];
    private readonly Queue<ulong> order = new();
    private readonly Lock gate = new();

    public int Count
    {
        get
        {
            lock (gate)
            {
                return rows.Count;
            }
        }
    }

    /// <summary>The key's newest row, when it is known and not expired.</summary>
    public bool TryFind(string key, long nowMs, out long row)
    {
        lock (gate)
        {
            var found = rows.TryGetValue(Prefix(key), out var at) && at.ExpiresMs > nowMs;
            row = at.Row;
            return found;
        }
    }

    public void Learn(string key, long row, long expiresMs)
    {
        var prefix = Prefix(key);
        lock (gate)
        {
            if (!rows.ContainsKey(prefix))
            {
                order.Enqueue(prefix);
            }

            rows[prefix] = (row, expiresMs);

            // The queue may also hold forgotten keys: it is kept within twice the bound whatever they are.
            while ((rows.Count > bound || order.Count > 2 * bound) && order.TryDequeue(out var oldest))
            {
                rows.Remove(oldest);
            }
        }
    }

    public void Forget(string key)
    {
        lock (gate)
        {
            rows.Remove(Prefix(key)); // its place in the order queue is skipped when it comes up
        }
    }

    private static ulong Prefix(string key) =>
        key.Length >= 16 && ulong.TryParse(key.AsSpan(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var prefix)
            ? prefix
            : (ulong)string.GetHashCode(key, StringComparison.Ordinal); // not a SHA-256 key (tests): consistent within the process
}
