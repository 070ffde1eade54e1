using System.Collections.Frozen;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Limits;

/// <summary>Turns limits as written (configuration, admin API) into a <see cref="LimitSpec"/>, listing every problem.</summary>
public static class LimitSpecReader
{
    public static LimitSpec Read(LimitOptions? options, string where, List<string> errors)
    {
        if (options is null)
        {
            return LimitSpec.None;
        }

        var all = ReadRates(options, where, errors);
        var perModel = new Dictionary<string, RateLimits>(StringComparer.Ordinal);
        foreach (var (model, limits) in options.PerModel)
        {
            if (limits.PerModel.Count > 0)
            {
                errors.Add($"{where}:PerModel:{model}:PerModel cannot be nested.");
            }

            perModel[model] = ReadRates(limits, $"{where}:PerModel:{model}", errors);
        }

        return new LimitSpec(all, perModel.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static RateLimits ReadRates(LimitOptions options, string where, List<string> errors)
    {
        Positive(options.RequestsPerMinute, $"{where}:RequestsPerMinute", errors);
        Positive(options.TokensPerMinute, $"{where}:TokensPerMinute", errors);
        Positive(options.MaxParallel, $"{where}:MaxParallel", errors);
        return new RateLimits(options.RequestsPerMinute, options.TokensPerMinute, options.MaxParallel);
    }

    private static void Positive(long? value, string where, List<string> errors)
    {
        if (value is < 1)
        {
            errors.Add($"{where} must be at least 1 (leave it out for no limit); it is {value}.");
        }
    }
}
