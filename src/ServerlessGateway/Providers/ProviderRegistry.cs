using System.Collections.Frozen;

namespace ServerlessGateway.Providers;

/// <summary>The adapters by provider type (registered in DI, one per type).</summary>
public sealed class ProviderRegistry(IEnumerable<IProviderAdapter> adapters)
{
    private readonly FrozenDictionary<string, IProviderAdapter> byType = adapters.ToFrozenDictionary(a => a.ProviderType, StringComparer.Ordinal);

    public IProviderAdapter For(string providerType) => byType[providerType];
}
