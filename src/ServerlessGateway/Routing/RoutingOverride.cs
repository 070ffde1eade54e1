using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Auth;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Routing;

/// <summary>
/// One request's own routing, sent by a key allowed to (AllowRoutingOverride, or an admin) in the x-gateway-routing
/// header: <c>{"strategy":"lowest-cost","targets":["gpt-4o-mini","gpt-4o"],"fallbacks":["gpt-4.1"],"retries":1,"hedge_after_ms":800}</c>.
/// Validated like the configuration file — every field known, every model configured and allowed to the key — and
/// refused with a 400 naming the problem, never silently ignored.
/// </summary>
public sealed record RoutingOverride(string? Strategy, IReadOnlyList<string>? Targets, IReadOnlyList<string>? Fallbacks, int? Retries, int? HedgeAfterMs)
{
    public const string Header = "x-gateway-routing";

    public static RoutingOverride? Read(HttpRequest request, CallerIdentity caller, GatewaySnapshot snapshot, out GatewayError? error)
    {
        error = null;
        if (!request.Headers.TryGetValue(Header, out var values))
        {
            return null;
        }

        if (!caller.MayOverrideRouting)
        {
            error = new GatewayError(StatusCodes.Status403Forbidden, $"This key may not send {Header}; give it AllowRoutingOverride.", "permission_error", "routing_override_forbidden");
            return null;
        }

        var parsed = Parse(values.Count == 1 ? values[0] ?? "" : "", caller, snapshot, out var problem);
        if (problem is not null)
        {
            error = GatewayError.InvalidRequest($"{Header}: {problem}", code: "invalid_routing_override");
        }

        return parsed;
    }

    /// <summary><paramref name="model"/> as this override would route it: its targets' deployments, strategy, fallbacks, retries, hedge.</summary>
    public LogicalModel Apply(LogicalModel model, GatewaySnapshot snapshot)
    {
        var deployments = Targets is null ? model.Deployments : Targets.SelectMany(t => snapshot.Models[t].Deployments).DistinctBy(d => d.Name).ToArray();
        var retry = model.Policy.Retry ?? snapshot.Resilience.Retry;
        var policy = model.Policy with
        {
            Strategy = Strategy ?? model.Policy.Strategy,
            Fallbacks = Fallbacks ?? model.Policy.Fallbacks,
            Retry = Retries is { } retries
                ? new RetryOptions { MaxRetries = retries, BaseDelayMs = retry.BaseDelayMs, MaxDelayMs = retry.MaxDelayMs, MaxRetryAfterSeconds = retry.MaxRetryAfterSeconds }
                : model.Policy.Retry,
            Hedge = HedgeAfterMs is { } after ? new HedgeOptions { AfterMs = after } : model.Policy.Hedge,
        };
        return new LogicalModel(model.Name, deployments, model.Disabled) { DowngradeTo = model.DowngradeTo, Policy = policy };
    }

    private static RoutingOverride? Parse(string text, CallerIdentity caller, GatewaySnapshot snapshot, out string? problem)
    {
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = "must be a JSON object.";
                return null;
            }

            string? strategy = null;
            List<string>? targets = null, fallbacks = null;
            int? retries = null, hedge = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "strategy" when property.Value.ValueKind == JsonValueKind.String && RoutingStrategyNames.All.Contains(property.Value.GetString()!):
                        strategy = property.Value.GetString();
                        break;
                    case "strategy":
                        problem = $"'strategy' must be one of {string.Join(", ", RoutingStrategyNames.All)}.";
                        return null;
                    case "targets" or "fallbacks":
                        var models = Models(property, caller, snapshot, out problem);
                        if (problem is not null)
                        {
                            return null;
                        }

                        (property.Name == "targets" ? ref targets : ref fallbacks) = models;
                        break;
                    case "retries" when property.Value.TryGetInt32(out var count) && count is >= 0 and <= 10:
                        retries = count;
                        break;
                    case "hedge_after_ms" when property.Value.TryGetInt32(out var ms) && ms is >= 1 and <= 600_000:
                        hedge = ms;
                        break;
                    case "retries" or "hedge_after_ms":
                        problem = $"'{property.Name}' must be a whole number ({(property.Name == "retries" ? "0..10" : "1..600000")}).";
                        return null;
                    default:
                        problem = $"unknown field '{property.Name}' (known: strategy, targets, fallbacks, retries, hedge_after_ms).";
                        return null;
                }
            }

            return new RoutingOverride(strategy, targets, fallbacks, retries, hedge);
        }
        catch (JsonException ex)
        {
            problem = "is not valid JSON: " + ex.Message;
            return null;
        }
    }

    private static List<string>? Models(JsonProperty property, CallerIdentity caller, GatewaySnapshot snapshot, out string? problem)
    {
        problem = null;
        if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() is 0 or > 16)
        {
            problem = $"'{property.Name}' must be an array of 1 to 16 model names.";
            return null;
        }

        var models = new List<string>();
        foreach (var item in property.Value.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.String ? item.GetString()! : null;
            if (name is null || !snapshot.Models.TryGetValue(name, out var model) || !model.IsServable || !caller.MayUse(name))
            {
                problem = $"'{property.Name}' names {(name is null ? "a non-string" : $"'{name}'")}, which is not a servable model this key may use.";
                return null;
            }

            models.Add(name);
        }

        return models;
    }
}
