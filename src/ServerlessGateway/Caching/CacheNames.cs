namespace ServerlessGateway.Caching;

/// <summary>The names cache stores are registered and configured under (<c>Gateway:Caching</c>).</summary>
public static class CacheStoreNames
{
    public const string Memory = "memory";
    public const string Sqlite = "sqlite";
}
