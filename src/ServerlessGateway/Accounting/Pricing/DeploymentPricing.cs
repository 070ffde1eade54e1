using ServerlessGateway.Configuration;

namespace ServerlessGateway.Accounting.Pricing;

/// <summary>Which price a deployment is charged at, decided once when the configuration is built.</summary>
public static class DeploymentPricing
{
    /// <summary>
    /// The price named by PriceAs, else the upstream model's. Mocks and self-hosted OpenAI-compatible
    /// servers cost nothing unless priced; a paid provider's unknown model stays unpriced (null) and is
    /// reported by <see cref="Problems"/>. A PriceAs naming no known price is a configuration error.
    /// </summary>
    public static ModelPrice? Resolve(PriceTable prices, string providerType, DeploymentOptions deployment, string where, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(deployment.PriceAs))
        {
            var named = prices.Find(deployment.PriceAs);
            if (named is null)
            {
                errors.Add($"{where}:PriceAs names '{deployment.PriceAs}', which has no price; add it under Gateway:Prices or name a known model.");
            }

            return named;
        }

        var price = prices.Find(deployment.Model);
        return providerType is ProviderTypes.Mock or ProviderTypes.OpenAICompatible ? price ?? ModelPrice.Free : price;
    }

    /// <summary>One readiness line per usable deployment without a price (each deployment once).</summary>
    public static IEnumerable<string> Problems(IEnumerable<LogicalModel> models) =>
        models.SelectMany(m => m.Deployments)
            .Where(d => d.Price is null)
            .DistinctBy(d => d.Name)
            .Select(d => $"no price for deployment '{d.Name}' (model '{d.UpstreamModel}'): its calls are recorded at $0 and budgets refuse it; set PriceAs or Gateway:Prices:{d.UpstreamModel}");
}
