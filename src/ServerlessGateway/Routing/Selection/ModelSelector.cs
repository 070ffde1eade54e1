using ServerlessGateway.Pipeline;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway.Routing.Selection;

/// <summary>
/// Chooses the logical model that serves a request: the first matching route, then — when the name is the auto
/// model's — the tier its complexity calls for, then the canary of the model reached. Each step runs once, on
/// the previous step's result: a model a step selected is not selected again, so there are no chains or loops.
/// Pure apart from the injected randomness: everything it reads is passed in.
/// </summary>
public sealed class ModelSelector(ITokenCounter tokens, IRandomSource random)
{
    /// <summary>The selection, or null with a 4xx in <paramref name="refusal"/> (the auto model for a request it cannot classify).</summary>
    public ModelSelection? Select(SelectionConfig config, in SelectionInput input, out GatewayError? refusal)
    {
        refusal = null;
        var model = input.Request.Model;
        var reason = new SelectionReason();

        string? route = null;
        foreach (var candidate in config.Routes)
        {
            if (candidate.Matches(input))
            {
                route = candidate.Name;
                model = candidate.Model;
                reason.Add("route=", route);
                break;
            }
        }

        string? tier = null;
        if (config.IsAutoModel(model))
        {
            if (input.Request is not ChatRequest chat)
            {
                refusal = GatewayError.InvalidRequest(
                    $"The model '{model}' chooses a chat model by the conversation's complexity; an embeddings request must name an embeddings model.",
                    "model",
                    "model_not_supported");
                return null;
            }

            var choice = config.Auto!.Classify(new ComplexitySignals(chat, tokens));
            tier = choice.Tier;
            model = choice.Model;
            reason.Add("tier=", $"{tier} ({choice.Why})");
        }

        string? variant = null;
        if (config.Canaries.TryGetValue(model, out var canary))
        {
            var (isCanary, how) = canary.Draw(input, random);
            variant = isCanary ? ModelSelection.CanaryVariant : ModelSelection.ControlVariant;
            reason.Add("canary=", $"{(isCanary ? canary.Candidate : ModelSelection.ControlVariant)} ({how}, {canary.PercentText})");
            model = isCanary ? canary.Candidate : model;
        }

        if (reason.IsEmpty && config.AsRequested.TryGetValue(model, out var asRequested))
        {
            return asRequested;
        }

        return new ModelSelection(model) { Route = route, Tier = tier, Variant = variant, Reason = reason.ToString() };
    }

    /// <summary>"route=…; tier=…; canary=…", kept to printable ASCII because it goes out as a header value.</summary>
    private struct SelectionReason
    {
        private string? text;

        public readonly bool IsEmpty => text is null;

        public void Add(string label, string value) =>
            text = (text is null ? "" : text + "; ") + label + HeaderText.Printable(value);

        public override readonly string ToString() => text ?? "";
    }
}
