using System.Text.Json;
using System.Text.RegularExpressions;
using ServerlessGateway.Accounting.Pricing;

namespace ServerlessGateway.Tests.Accounting.Pricing;

/// <summary>One public price list's entry for a model, in USD per 1M tokens (null: the list does not say).</summary>
internal sealed record ListedPrice(string Source, string Key, decimal Input, decimal Output, decimal? CachedInput, decimal? CacheWrite, ListedTier? Tier);

internal sealed record ListedTier(long Above, decimal Input, decimal Output, decimal? CachedInput);

/// <summary>Reads ../shared/data/pricing (litellm's and pydantic's genai-prices lists) where they lie, at test time.</summary>
internal static class SharedPriceLists
{
    /// <summary>litellm entries named <paramref name="model"/> or a dated snapshot of it, bare or as "gemini/…".</summary>
    public static IEnumerable<ListedPrice> Litellm(JsonElement root, string model)
    {
        foreach (var entry in root.EnumerateObject())
        {
            var name = entry.Name.StartsWith("gemini/", StringComparison.Ordinal) ? entry.Name["gemini/".Length..] : entry.Name;
            var isModel = name == model || (name.Length > model.Length + 1 && name.StartsWith(model, StringComparison.Ordinal)
                && name[model.Length] is '-' or '@' && SnapshotSuffix.IsVersion(name.AsSpan(model.Length + 1)));
            if (!isModel || entry.Value.ValueKind != JsonValueKind.Object || PerMillion(entry.Value, "input_cost_per_token") is not { } input)
            {
                continue;
            }

            var e = entry.Value;
            ListedTier? tier = null;
            foreach (var (suffix, above) in new[] { ("_above_200k_tokens", 200_000L), ("_above_128k_tokens", 128_000L) })
            {
                if (PerMillion(e, "input_cost_per_token" + suffix) is { } tierInput)
                {
                    tier = new ListedTier(above, tierInput, PerMillion(e, "output_cost_per_token" + suffix) ?? 0m, PerMillion(e, "cache_read_input_token_cost" + suffix));
                }
            }

            yield return new ListedPrice("litellm", entry.Name, input, PerMillion(e, "output_cost_per_token") ?? 0m,
                PerMillion(e, "cache_read_input_token_cost"), PerMillion(e, "cache_creation_input_token_cost"), tier);
        }
    }

    /// <summary>genai-prices models (of OpenAI, Anthropic and Google) whose match rule accepts <paramref name="model"/>, at their current price.</summary>
    public static IEnumerable<ListedPrice> GenaiPrices(JsonElement root, string model)
    {
        foreach (var provider in root.EnumerateArray())
        {
            if (provider.GetProperty("id").GetString() is not ("openai" or "anthropic" or "google"))
            {
                continue;
            }

            foreach (var entry in provider.GetProperty("models").EnumerateArray())
            {
                if (!Matches(entry.GetProperty("match"), model))
                {
                    continue;
                }

                var prices = entry.GetProperty("prices");
                if (prices.ValueKind == JsonValueKind.Array)
                {
                    prices = prices[prices.GetArrayLength() - 1].GetProperty("prices"); // the latest dated price
                }

                var (input, inputTier) = Mtok(prices, "input_mtok");
                var (output, outputTier) = Mtok(prices, "output_mtok");
                var (cached, cachedTier) = Mtok(prices, "cache_read_mtok");
                var (written, _) = Mtok(prices, "cache_write_mtok");
                var tier = inputTier is { } t ? new ListedTier(t.Above, t.Price, outputTier?.Price ?? 0m, cachedTier?.Price) : null;
                yield return new ListedPrice("genai-prices", provider.GetProperty("id").GetString() + "/" + entry.GetProperty("id").GetString(),
                    input ?? 0m, output ?? 0m, cached, written, tier);
            }
        }
    }

    private static decimal? PerMillion(JsonElement entry, string field) =>
        entry.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDecimal() * 1_000_000m : null;

    private static (decimal? Base, (long Above, decimal Price)? Tier) Mtok(JsonElement prices, string field)
    {
        if (!prices.TryGetProperty(field, out var value))
        {
            return (null, null);
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            return (value.GetDecimal(), null);
        }

        var first = value.GetProperty("tiers")[0];
        return (value.GetProperty("base").GetDecimal(), (first.GetProperty("start").GetInt64(), first.GetProperty("price").GetDecimal()));
    }

    private static bool Matches(JsonElement rule, string model)
    {
        foreach (var clause in rule.EnumerateObject())
        {
            var matched = clause.Name switch
            {
                "or" => clause.Value.EnumerateArray().Any(r => Matches(r, model)),
                "and" => clause.Value.EnumerateArray().All(r => Matches(r, model)),
                "equals" => model == clause.Value.GetString(),
                "starts_with" => model.StartsWith(clause.Value.GetString()!, StringComparison.Ordinal),
                "ends_with" => model.EndsWith(clause.Value.GetString()!, StringComparison.Ordinal),
                "contains" => model.Contains(clause.Value.GetString()!, StringComparison.Ordinal),
                "regex" => Regex.IsMatch(model, clause.Value.GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1)),
                _ => false,
            };
            if (!matched)
            {
                return false;
            }
        }

        return true;
    }
}
