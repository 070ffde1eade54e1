using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessGateway.Accounting.Pricing;

/// <summary>
/// Every known model's price: the embedded defaults with Gateway:Prices merged over them per model.
/// A model is found by its exact name, or as a dated snapshot of a known one ("gpt-4o-2024-08-06" is
/// priced as "gpt-4o"), never by a loose substring: an unknown model is unpriced, not guessed.
/// </summary>
public sealed class PriceTable
{
    private const string DefaultsResource = "ServerlessGateway.Accounting.Pricing.prices.defaults.json";

    private static readonly Lazy<IReadOnlyDictionary<string, PriceOptions>> LazyDefaults = new(LoadDefaults);

    private readonly FrozenDictionary<string, ModelPrice> prices;

    private PriceTable(FrozenDictionary<string, ModelPrice> prices) => this.prices = prices;

    /// <summary>The embedded defaults as written (what the cross-check test compares with public price lists).</summary>
    public static IReadOnlyDictionary<string, PriceOptions> Defaults => LazyDefaults.Value;

    public IEnumerable<string> Models => prices.Keys;

    /// <summary>Merges <paramref name="configured"/> over the defaults; every invalid price is added to <paramref name="errors"/>.</summary>
    public static PriceTable Build(IReadOnlyDictionary<string, PriceOptions>? configured, List<string> errors)
    {
        var merged = new Dictionary<string, (PriceOptions Options, string Where)>(StringComparer.Ordinal);
        foreach (var (model, options) in Defaults)
        {
            merged[model] = (options, $"prices.defaults.json:{model}");
        }

        foreach (var (model, options) in configured ?? new Dictionary<string, PriceOptions>())
        {
            var where = $"Gateway:Prices:{model}";
            if (string.IsNullOrWhiteSpace(model))
            {
                errors.Add("Gateway:Prices: a model name is empty.");
                continue;
            }

            merged[model] = (merged.TryGetValue(model, out var known) ? PriceMerge.Over(known.Options, options) : options, where);
        }

        var table = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        foreach (var (model, (options, where)) in merged)
        {
            if (PriceValidation.Validate(where, options, errors) is { } price)
            {
                table[model] = price;
            }
        }

        return new PriceTable(table.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The price of <paramref name="model"/>, or null when neither it nor a model it is a dated snapshot of is known.</summary>
    public ModelPrice? Find(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return null;
        }

        if (prices.TryGetValue(model, out var exact))
        {
            return exact;
        }

        // From the last separator backwards, so the longest known prefix wins ("gpt-4o-mini-2024-07-18" → "gpt-4o-mini").
        for (var at = model.Length - 1; at > 0; at--)
        {
            if (model[at] is '-' or '@' && SnapshotSuffix.IsVersion(model.AsSpan(at + 1)) && prices.TryGetValue(model[..at], out var price))
            {
                return price;
            }
        }

        return null;
    }

    private static Dictionary<string, PriceOptions> LoadDefaults()
    {
        using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream(DefaultsResource)
            ?? throw new InvalidOperationException($"The embedded resource {DefaultsResource} is missing from the build.");
        return JsonSerializer.Deserialize(stream, PriceJsonContext.Default.DictionaryStringPriceOptions)
            ?? throw new InvalidDataException($"{DefaultsResource} is empty.");
    }
}

/// <summary>The embedded defaults: comments allowed, unknown fields refused (a typo must not silently drop a price).</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(Dictionary<string, PriceOptions>))]
internal sealed partial class PriceJsonContext : JsonSerializerContext;
