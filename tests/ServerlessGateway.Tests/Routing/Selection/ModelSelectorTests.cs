using ServerlessGateway.Routing.Selection;
using static ServerlessGateway.Tests.Routing.Selection.SelectionRig;

namespace ServerlessGateway.Tests.Routing.Selection;

/// <summary>Routes, then the auto model, then the canary — each once — and what the selection says about it.</summary>
public sealed class ModelSelectorTests
{
    private static readonly SelectionConfig Config = Compile($$"""
        { "Gateway": {
          "Providers": { "mock": { "Type": "mock" } },
          "Models": {
            {{MockModels("gpt-4o", "small", "medium", "large-v2", "gpt-4.1-home", "mock-embedding")}},
            "gpt-4o-eu": { "Deployments": [ { "Provider": "mock", "Model": "eu" } ], "Canary": { "Model": "gpt-4.1", "Percent": 100 } },
            "gpt-4.1": { "Deployments": [ { "Provider": "mock", "Model": "gpt-4.1" } ], "Canary": { "Model": "gpt-4.1-home", "Percent": 100 } },
            "large": { "Deployments": [ { "Provider": "mock", "Model": "large" } ], "Canary": { "Model": "large-v2", "Percent": 100, "StickyBy": "user" } }
          },
          "Routing": {
            "Routes": [
              { "Name": "eu-users", "ForModels": [ "gpt-4o", "auto" ], "When": { "Field": "header:x-region", "Equals": "eu" }, "Model": "gpt-4o-eu" },
              { "Name": "to-auto", "When": { "Field": "metadata:route", "Equals": "auto" }, "Model": "auto" },
              { "Name": "small-is-medium", "ForModels": [ "small" ], "When": { "Not": { "Field": "header:x-never", "Equals": "1" } }, "Model": "medium" },
              { "Name": "café", "When": { "Field": "metadata:route", "Equals": "cafe" }, "Model": "small" }
            ],
            "Auto": { "Tiers": { "simple": "small", "standard": "medium", "complex": "large" } }
          }
        } }
        """);

    private static readonly ModelSelector Selector = new(Tokens, new FixedRandom(0.999));

    [Fact]
    public void A_request_no_step_applies_to_is_served_as_asked_without_a_new_object()
    {
        var first = Select(Input(Chat(Body("gpt-4o"))));
        var second = Select(Input(Chat(Body("gpt-4o"))));

        Assert.Equal(new ModelSelection("gpt-4o"), first);
        Assert.Same(first, second);
        Assert.Equal("", first.Reason);
    }

    [Fact]
    public void A_route_then_the_canary_of_the_routed_model_and_no_further()
    {
        var selection = Select(Input(Chat(Body("gpt-4o")), headers: new Dictionary<string, string> { ["x-region"] = "eu" }));

        // gpt-4.1 has a canary of its own (gpt-4.1-home at 100%): a model a step selected is not selected again.
        Assert.Equal("gpt-4.1", selection.Model);
        Assert.Equal("eu-users", selection.Route);
        Assert.Null(selection.Tier);
        Assert.Equal(ModelSelection.CanaryVariant, selection.Variant);
        Assert.Equal("route=eu-users; canary=gpt-4.1 (random, 100%)", selection.Reason);
    }

    [Fact]
    public void A_route_to_the_auto_model_then_the_tier_then_the_tier_models_canary()
    {
        var longPrompt = string.Concat(Enumerable.Repeat("The board discussed the merger terms at length. ", 500));
        var request = Chat(Body("gpt-4o", longPrompt, """{"route":"auto"}"""));

        var selection = Select(Input(request, Caller(user: "ada")));

        Assert.Equal("large-v2", selection.Model);
        Assert.Equal(("to-auto", "complex", ModelSelection.CanaryVariant), (selection.Route, selection.Tier, selection.Variant));
        Assert.Matches(@"^route=to-auto; tier=complex \(prompt [\d,]+ tokens >= 4,000\); canary=large-v2 \(sticky user, 100%\)$", selection.Reason);
    }

    [Fact]
    public void The_auto_model_asked_for_directly_uses_the_tier()
    {
        var selection = Select(Input(Chat(Body("auto", "hi"))));

        Assert.Equal(new ModelSelection("small") { Tier = "simple", Reason = "tier=simple (prompt 8 tokens <= 500)" }, selection);
    }

    [Fact]
    public void A_route_applies_only_to_the_models_it_names()
    {
        var eu = new Dictionary<string, string> { ["x-region"] = "eu" };

        Assert.Equal("eu-users", Select(Input(Chat(Body("gpt-4o")), headers: eu)).Route);
        Assert.Equal(new ModelSelection("medium"), Select(Input(Chat(Body("medium")), headers: eu)));
    }

    [Fact]
    public void Routes_are_evaluated_once_on_the_requested_model()
    {
        // "café" sends to small; "small-is-medium" applies to requests for small, but not to one routed there.
        var routed = Select(Input(Chat(Body("gpt-4o", "hi", """{"route":"cafe"}"""))));
        var asked = Select(Input(Chat(Body("small"))));

        Assert.Equal(("small", "café"), (routed.Model, routed.Route));
        Assert.Equal("route=caf?", routed.Reason); // the header value stays printable ASCII
        Assert.Equal(("medium", "small-is-medium"), (asked.Model, asked.Route));
    }

    [Fact]
    public void A_control_draw_keeps_the_model_and_says_so()
    {
        var selector = new ModelSelector(Tokens, new FixedRandom(0.999));
        var config = Compile($$"""
            { "Gateway": { "Providers": { "mock": { "Type": "mock" } }, "Models": { {{MockModels("gpt-4.1")}},
              "gpt-4o": { "Deployments": [ { "Provider": "mock", "Model": "a" } ], "Canary": { "Model": "gpt-4.1", "Percent": 12.5 } } } } }
            """);

        var selection = selector.Select(config, Input(Chat(Body("gpt-4o"))), out var refusal);

        Assert.Null(refusal);
        Assert.Equal(new ModelSelection("gpt-4o") { Variant = "control", Reason = "canary=control (random, 12.5%)" }, selection);
    }

    [Fact]
    public void An_embeddings_request_for_the_auto_model_is_refused_with_a_400()
    {
        var request = Embeddings("""{"model":"auto","input":"hello"}""");

        var selection = Selector.Select(Config, Input(request), out var refusal);

        Assert.Null(selection);
        Assert.Equal((400, "model_not_supported", "model"), (refusal!.Status, refusal.Code, refusal.Param));
    }

    private static ModelSelection Select(SelectionInput input)
    {
        var selection = Selector.Select(Config, input, out var refusal);
        Assert.Null(refusal);
        return selection!;
    }

    private static string Body(string model, string text = "hi", string? metadata = null) =>
        $$"""{"model":"{{model}}",{{(metadata is null ? "" : $"\"metadata\":{metadata},")}}"messages":[{"role":"user","content":"{{text}}"}]}""";
}
