using System.Text.Json;
using ServerlessGateway.Accounting.Pricing;
using ServerlessGateway.Tests.Conformance;

namespace ServerlessGateway.Tests.Accounting.Pricing;

/// <summary>
/// Every default price must agree with at least one of two independent public price lists
/// (../shared/data/pricing, read where it lies), or be listed below with the reason. A list agrees when
/// every price it states (input, output, cache read, cache write, long-context tier) is within 0.5 % of
/// ours; a price it does not state is no disagreement.
/// </summary>
public sealed class PriceCrossCheckTests
{
    /// <summary>Defaults no list confirms, and why we are confident anyway.</summary>
    private static readonly Dictionary<string, string> Exceptions = new(StringComparer.Ordinal)
    {
        // (none at present: keep this list empty unless a list is wrong or stale, and say which and why)
    };

    private static readonly Lazy<(JsonDocument Litellm, JsonDocument Genai)?> Lists = new(Load);

    public static TheoryData<string> DefaultModels => new(PriceTable.Defaults.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(DefaultModels))]
    public void Default_price_agrees_with_a_public_price_list(string model)
    {
        SharedMaterial.SkipIfAbsent();
        if (Lists.Value is not { } lists)
        {
            Assert.Skip("../shared/data/pricing (litellm and genai-prices lists) is absent: prices are not cross-checked here.");
            return;
        }

        var ours = PriceTable.Build(null, []).Find(model)!;
        var listed = SharedPriceLists.Litellm(lists.Litellm.RootElement, model)
            .Concat(SharedPriceLists.GenaiPrices(lists.Genai.RootElement, model))
            .ToList();
        var agreeing = listed.Where(l => Agrees(ours, l)).ToList();

        if (Exceptions.ContainsKey(model))
        {
            Assert.Empty(agreeing); // an exception that has become confirmed should leave the list
            return;
        }

        Assert.True(agreeing.Count > 0, $"{model}: no list agrees with {ours}; listed: {string.Join("; ", listed)}");
    }

    [Fact]
    public void Exceptions_name_only_default_models()
    {
        Assert.All(Exceptions.Keys, model => Assert.Contains(model, PriceTable.Defaults.Keys));
    }

    private static bool Agrees(ModelPrice ours, ListedPrice listed)
    {
        var tierAgrees = (ours.LongContext, listed.Tier) switch
        {
            (null, null) => true,
            ({ } a, { } b) => a.AbovePromptTokens == b.Above && Near(a.Input, b.Input) && Near(a.Output, b.Output)
                && (b.CachedInput is null || Near(a.CachedInput ?? a.Input, b.CachedInput.Value)),
            _ => false,
        };
        return tierAgrees
            && Near(ours.Input, listed.Input)
            && Near(ours.Output, listed.Output)
            && (listed.CachedInput is null || Near(ours.CachedInput ?? ours.Input, listed.CachedInput.Value))
            && (listed.CacheWrite is null || Near(ours.CacheWrite ?? ours.Input, listed.CacheWrite.Value));
    }

    private static bool Near(decimal ours, decimal listed) => Math.Abs(ours - listed) <= Math.Max(0.000001m, Math.Abs(listed) * 0.005m);

    private static (JsonDocument, JsonDocument)? Load()
    {
        if (!SharedMaterial.IsPresent)
        {
            return null;
        }

        var litellm = SharedMaterial.PathTo("data", "pricing", "litellm", "model_prices_and_context_window.json");
        var genai = SharedMaterial.PathTo("data", "pricing", "genai-prices", "data.json");
        if (!File.Exists(litellm) || !File.Exists(genai))
        {
            return null;
        }

        return (JsonDocument.Parse(File.ReadAllBytes(litellm)), JsonDocument.Parse(File.ReadAllBytes(genai)));
    }
}
