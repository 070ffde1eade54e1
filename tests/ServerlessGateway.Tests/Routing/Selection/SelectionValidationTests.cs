using static ServerlessGateway.Tests.Routing.Selection.SelectionRig;

namespace ServerlessGateway.Tests.Routing.Selection;

/// <summary>Model selection's configuration is checked at start-up, every problem listed with its path.</summary>
public sealed class SelectionValidationTests
{
    [Fact]
    public void Every_selection_problem_is_listed_with_its_path()
    {
        var result = Build(Options($$"""
            { "Gateway": {
              "Providers": { "mock": { "Type": "mock" } },
              "Models": {
                {{MockModels("medium")}},
                "gpt-4o": { "Deployments": [ { "Provider": "mock", "Model": "a" } ], "Canary": { "Model": "gpt-4o", "Percent": 10 } },
                "small": { "Deployments": [ { "Provider": "mock", "Model": "b" } ], "Canary": { "Model": "medium", "Percent": 150, "StickyBy": "session" } }
              },
              "Routing": {
                "Routes": [
                  { "When": { "Field": "model", "Equals": "x" }, "Model": "small" },
                  { "Name": "dup", "When": { "Field": "model", "Equals": "x" }, "Model": "small" },
                  { "Name": "dup", "ForModels": [ "nope" ], "When": { "Any": [ { "Field": "user", "Matches": "(unclosed" }, { "Field": "country", "Equals": "de" } ] }, "Model": "missing" },
                  { "Name": "two-operators", "When": { "Field": "model", "Equals": "x", "Any": [ { "Field": "user", "Equals": "y" } ] }, "Model": "small" },
                  { "Name": "no-condition", "Model": "small" },
                  { "Name": "nameless-header", "When": { "Not": { "Field": "header:", "In": [ "a" ] } }, "Model": "small" },
                  { "Name": "field-beside-not", "When": { "Field": "model", "Not": { "Field": "model", "Equals": "x" } }, "Model": "small" }
                ],
                "Auto": {
                  "ModelName": "gpt-4o",
                  "Tiers": { "simple": "small", "complex": "huge" },
                  "DefaultTier": "medium",
                  "Rules": [
                    { "Tier": "expert", "When": { "HasCode": true } },
                    { "Tier": "simple" },
                    { "Tier": "simple", "When": { "KeywordsAny": [ " " ] } },
                    { "Tier": "complex", "When": { "MinPromptTokens": 900, "MaxPromptTokens": 100 } },
                    { "Tier": "complex", "When": { "MinMessages": 0 } }
                  ]
                }
              }
            } }
            """));

        Assert.Null(result.Snapshot);
        string[] expected =
        [
            "Gateway:Routing:Routes:0:Name must be set",
            "Gateway:Routing:Routes:2:Name must be set and unique",
            "Gateway:Routing:Routes:2:ForModels names 'nope'",
            "Gateway:Routing:Routes:2:Model must name a model",
            "Gateway:Routing:Routes:2:When:Any:0:Matches is not a valid regular expression ('(unclosed')",
            "Gateway:Routing:Routes:2:When:Any:1:Field must be one of model, user, key, team, organization, header:NAME",
            "Gateway:Routing:Routes:3:When sets Equals, Any",
            "Gateway:Routing:Routes:4:When must hold a condition",
            "Gateway:Routing:Routes:5:When:Not:Field must be one of",
            "Gateway:Routing:Routes:6:When:Field does not go with Not",
            "Gateway:Routing:Auto:ModelName must be set and differ from every model",
            "Gateway:Routing:Auto:Tiers:complex names 'huge'",
            "Gateway:Routing:Auto:DefaultTier must be one of the Tiers (complex, simple); it is 'medium'",
            "Gateway:Routing:Auto:Rules:0:Tier must be one of the Tiers",
            "Gateway:Routing:Auto:Rules:1:When must set at least one of",
            "Gateway:Routing:Auto:Rules:2:When:KeywordsAny must list",
            "Gateway:Routing:Auto:Rules:3:When:MinPromptTokens and MaxPromptTokens",
            "Gateway:Routing:Auto:Rules:4:When:MinMessages must be at least 1",
            "Gateway:Models:gpt-4o:Canary:Model must name another model",
            "Gateway:Models:small:Canary:Percent must be between 0 and 100",
            "Gateway:Models:small:Canary:StickyBy must be none, user or conversation",
        ];
        Assert.All(expected, fragment => Assert.Contains(result.Errors, e => e.StartsWith(fragment, StringComparison.Ordinal)));
        Assert.Equal(expected.Length, result.Errors.Count);
    }

    [Fact]
    public void A_key_may_name_the_auto_model_only_when_it_exists()
    {
        const string Keys = """ "Keys": [ { "Name": "app", "Key": "sk-test-app-0001", "Models": [ "auto" ] } ] """;
        var withAuto = Build(Options($$"""
            { "Gateway": { {{Keys}}, "Providers": { "mock": { "Type": "mock" } }, "Models": { {{MockModels("small")}} },
              "Routing": { "Auto": { "Tiers": { "simple": "small" }, "DefaultTier": "simple" } } } }
            """));
        var withoutAuto = Build(Options($$"""
            { "Gateway": { {{Keys}}, "Providers": { "mock": { "Type": "mock" } }, "Models": { {{MockModels("small")}} } } }
            """));

        Assert.Empty(withAuto.Errors);
        Assert.True(withAuto.Snapshot!.Selection.IsAutoModel("auto"));
        Assert.Contains(withoutAuto.Errors, e => e.StartsWith("Gateway:Keys:0:Models names 'auto'", StringComparison.Ordinal));
    }

    [Fact]
    public void Auto_without_tiers_is_no_auto_model_and_rules_without_tiers_are_an_error()
    {
        var noTiers = Build(Options($$"""
            { "Gateway": { "Providers": { "mock": { "Type": "mock" } }, "Models": { {{MockModels("small")}} }, "Routing": { "Auto": { "DefaultTier": "simple" } } } }
            """));
        var rulesOnly = Build(Options($$"""
            { "Gateway": { "Providers": { "mock": { "Type": "mock" } }, "Models": { {{MockModels("small")}} },
              "Routing": { "Auto": { "Rules": [ { "Tier": "simple", "When": { "HasCode": true } } ] } } } }
            """));

        Assert.Null(noTiers.Snapshot!.Selection.Auto);
        Assert.Equal(["Gateway:Routing:Auto:Tiers must map tier names to models for its Rules to choose from."], rulesOnly.Errors);
    }

    [Fact]
    public void A_configuration_without_selection_compiles_to_none()
    {
        var result = Build(Options($$"""{ "Gateway": { "Providers": { "mock": { "Type": "mock" } }, "Models": { {{MockModels("small")}} } } }"""));

        var selection = result.Snapshot!.Selection;
        Assert.Empty(selection.Routes);
        Assert.Null(selection.Auto);
        Assert.Empty(selection.Canaries);
        Assert.Empty(selection.ExtraModelNames);
    }
}
