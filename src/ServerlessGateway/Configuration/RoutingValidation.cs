using ServerlessGateway.Accounting.Pricing;
using ServerlessGateway.Routing;

namespace ServerlessGateway.Configuration;

/// <summary>Checks and compiles the routing and resilience settings: every problem listed, with its path.</summary>
public static class RoutingValidation
{
    public static void Validate(GatewayOptions options, List<string> errors)
    {
        var resilience = options.Resilience;
        var breaker = resilience.Breaker;
        Check(errors, breaker.ConsecutiveFailures is >= 1 and <= 1000, "Gateway:Resilience:Breaker:ConsecutiveFailures must be 1..1000.");
        Check(errors, breaker.FailureRatio is > 0 and <= 1, "Gateway:Resilience:Breaker:FailureRatio must be above 0 and at most 1.");
        Check(errors, breaker.MinimumThroughput is >= 1 and <= 100_000, "Gateway:Resilience:Breaker:MinimumThroughput must be 1..100000.");
        Check(errors, breaker.WindowSeconds is >= 1 and <= 3600, "Gateway:Resilience:Breaker:WindowSeconds must be 1..3600.");
        Check(errors, breaker.OpenSeconds is >= 0.1 and <= 3600 && breaker.MaxOpenSeconds >= breaker.OpenSeconds && breaker.MaxOpenSeconds <= 86_400,
            "Gateway:Resilience:Breaker:OpenSeconds must be 0.1..3600 and MaxOpenSeconds at least OpenSeconds (at most 86400).");
        ValidateRetry("Gateway:Resilience:Retry", resilience.Retry, errors);
        Check(errors, resilience.Queue.MaxWaitMs is >= 0 and <= 600_000 && resilience.Queue.MaxWaiters is >= 0 and <= 1_000_000,
            "Gateway:Resilience:Queue:MaxWaitMs must be 0..600000 and MaxWaiters 0..1000000.");
        Check(errors, resilience.RequestDeadlineSeconds is >= 1 and <= 3600, "Gateway:Resilience:RequestDeadlineSeconds must be 1..3600.");
        Check(errors, resilience.RateLimitCooldownSeconds is >= 0 and <= 3600, "Gateway:Resilience:RateLimitCooldownSeconds must be 0..3600.");
        foreach (var name in resilience.DefaultFallbacks.Where(n => !options.Models.ContainsKey(n)))
        {
            errors.Add($"Gateway:Resilience:DefaultFallbacks names '{name}', which is not under Gateway:Models.");
        }

        foreach (var (modelName, model) in options.Models)
        {
            var where = $"Gateway:Models:{modelName}";
            if (!RoutingStrategyNames.All.Contains(model.Strategy))
            {
                errors.Add($"{where}:Strategy must be one of {string.Join(", ", RoutingStrategyNames.All)}; it is '{model.Strategy}'.");
            }

            foreach (var fallback in model.Fallbacks.Where(f => f == modelName || !options.Models.ContainsKey(f)))
            {
                errors.Add($"{where}:Fallbacks names '{fallback}', which is not another model under Gateway:Models.");
            }

            if (model.LongContextModel is { } longer && (longer == modelName || !options.Models.ContainsKey(longer)))
            {
                errors.Add($"{where}:LongContextModel must name another configured model; '{longer}' is not one.");
            }

            if (model.FailoverOnStatus.Any(status => status is < 400 or > 599))
            {
                errors.Add($"{where}:FailoverOnStatus may only list 4xx and 5xx statuses.");
            }

            if (model.Retry is { } retry)
            {
                ValidateRetry(where + ":Retry", retry, errors);
            }

            if (model.Hedge is { } hedge && !(hedge.AfterMs is >= 1 and <= 600_000 ^ hedge.AfterPercentile is >= 50 and <= 99))
            {
                errors.Add($"{where}:Hedge needs exactly one of AfterMs (1..600000) or AfterPercentile (50..99).");
            }
        }
    }

    public static ModelRoutingPolicy Policy(ModelOptions model) =>
        new(model.Strategy, model.Fallbacks.ToArray(), model.LongContextModel, model.Retry, model.Hedge) { FailoverOnStatus = model.FailoverOnStatus.ToHashSet() };

    public static DeploymentRouting Deployment(string where, DeploymentOptions deployment, ModelPrice? price, List<string> errors)
    {
        Check(errors, deployment.Weight is >= 0 and <= 1_000_000, $"{where}:Weight must be 0..1000000.");
        Check(errors, deployment.Priority is >= 0 and <= 100, $"{where}:Priority must be 0..100.");
        Check(errors, deployment.ContextWindow is null or >= 1, $"{where}:ContextWindow must be a positive number of tokens.");
        Check(errors, deployment.MaxConcurrency is null or >= 1, $"{where}:MaxConcurrency must be at least 1.");
        Check(errors, deployment.RequestsPerMinute is null or >= 1 && deployment.TokensPerMinute is null or >= 1, $"{where}:RequestsPerMinute and TokensPerMinute must be at least 1.");
        Check(errors, deployment.Name is null || (deployment.Name.Length is > 0 and <= 128 && deployment.Name.All(c => c is > ' ' and <= '~')),
            $"{where}:Name must be 1..128 visible ASCII characters.");
        return new DeploymentRouting(deployment.Weight, deployment.Priority, deployment.ContextWindow ?? price?.ContextWindow, deployment.MaxConcurrency,
            deployment.RequestsPerMinute, deployment.TokensPerMinute);
    }

    private static void ValidateRetry(string where, RetryOptions retry, List<string> errors) =>
        Check(errors, retry.MaxRetries is >= 0 and <= 10 && retry.BaseDelayMs is >= 0 and <= 60_000 && retry.MaxDelayMs >= retry.BaseDelayMs && retry.MaxDelayMs <= 600_000
            && retry.MaxRetryAfterSeconds is >= 0 and <= 600,
            $"{where}: MaxRetries must be 0..10, BaseDelayMs 0..60000, MaxDelayMs BaseDelayMs..600000, MaxRetryAfterSeconds 0..600.");

    private static void Check(List<string> errors, bool ok, string message)
    {
        if (!ok)
        {
            errors.Add(message);
        }
    }
}
