using ServerlessGateway.Configuration;
using ServerlessGateway.Routing.Probes;

namespace ServerlessGateway.Tests.Routing.Probes;

public sealed class ProbePlanBuilderTests
{
    private static SnapshotResult Build(GatewayOptions options) =>
        new GatewaySnapshotBuilder(new EnvironmentReferences(_ => null), TimeProvider.System).Build(options);

    private static GatewayOptions Options() => new()
    {
        Providers =
        {
            ["mock"] = new ProviderOptions { Type = "mock" },
            ["local"] = new ProviderOptions { Type = "openai-compatible", BaseUrl = "http://127.0.0.1:1/v1", Auth = "none" },
            ["openai"] = new ProviderOptions { Type = "openai", ApiKey = "sk-x" },
            ["absent"] = new ProviderOptions { Type = "openai", ApiKey = "${NOT_SET}", Optional = true },
        },
    };

    private static void Add(GatewayOptions options, string model, params DeploymentOptions[] deployments) =>
        options.Models[model] = new ModelOptions { Deployments = [.. deployments] };

    [Fact]
    public void Free_deployments_are_probed_paid_ones_only_when_enabled_and_each_deployment_once()
    {
        var options = Options();
        Add(options, "mock-echo", new DeploymentOptions { Provider = "mock", Model = "echo" });
        Add(options, "echo-again", new DeploymentOptions { Provider = "mock", Model = "echo" }, new DeploymentOptions { Provider = "mock", Model = "quiet", Probe = false });
        Add(options, "llama", new DeploymentOptions { Provider = "local", Model = "llama3.2" });
        Add(options, "gpt-4o-mini", new DeploymentOptions { Provider = "openai", Model = "gpt-4o-mini" }, new DeploymentOptions { Provider = "absent", Model = "gpt-4o-mini", Probe = true });
        Add(options, "gpt-4.1", new DeploymentOptions { Provider = "openai", Model = "gpt-4.1", Probe = true });
        Add(options, "text-embedding-3-small", new DeploymentOptions { Provider = "openai", Model = "text-embedding-3-small", Probe = true });
        Add(options, "mock-embedding", new DeploymentOptions { Provider = "mock", Model = "vectors" });
        Add(options, "odd-embedder", new DeploymentOptions { Provider = "local", Model = "e5-large", ProbeKind = "embeddings" });
        Add(options, "named-embed-but-chat", new DeploymentOptions { Provider = "local", Model = "embedded-chat", ProbeKind = "Chat" });

        var plan = Build(options).Snapshot!.Probes;

        Assert.Equal(
            [
                ("mock/echo", ProbeKind.Chat, "mock-echo", false),
                ("local/llama3.2", ProbeKind.Chat, "llama", false),
                ("openai/gpt-4.1", ProbeKind.Chat, "gpt-4.1", true),
                ("openai/text-embedding-3-small", ProbeKind.Embeddings, "text-embedding-3-small", true),
                ("mock/vectors", ProbeKind.Embeddings, "mock-embedding", false),
                ("local/e5-large", ProbeKind.Embeddings, "odd-embedder", false),
                ("local/embedded-chat", ProbeKind.Chat, "named-embed-but-chat", false),
            ],
            plan.Targets.Select(t => (t.Deployment.Name, t.Kind, t.Model, t.IsPaid)));
        Assert.Equal((true, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 4), (plan.Enabled, plan.Interval, plan.Timeout, plan.MaxConcurrency));
    }

    [Fact]
    public void A_deployment_probed_once_follows_the_setting_given_under_any_of_its_models()
    {
        var options = Options();
        Add(options, "a", new DeploymentOptions { Provider = "openai", Model = "gpt-4o-mini" });
        Add(options, "b", new DeploymentOptions { Provider = "openai", Model = "gpt-4o-mini", Probe = true });

        var target = Assert.Single(Build(options).Snapshot!.Probes.Targets);

        Assert.Equal(("openai/gpt-4o-mini", "a"), (target.Deployment.Name, target.Model));
    }

    [Fact]
    public void Probe_settings_are_validated_with_their_paths_and_conflicts_are_named()
    {
        var options = Options();
        options.Probes = new ProbeOptions { IntervalSeconds = 0, TimeoutSeconds = 301, MaxConcurrency = 0 };
        Add(options, "a", new DeploymentOptions { Provider = "mock", Model = "echo", Probe = true, ProbeKind = "images" });
        Add(options, "b", new DeploymentOptions { Provider = "mock", Model = "echo", Probe = false });
        Add(options, "c", new DeploymentOptions { Provider = "mock", Model = "v", ProbeKind = "chat" }, new DeploymentOptions { Provider = "mock", Model = "v", ProbeKind = "embeddings" });

        var result = Build(options);

        Assert.Null(result.Snapshot);
        string[] expected =
        [
            "Gateway:Probes:IntervalSeconds must be between 1 and 86400; it is 0.",
            "Gateway:Probes:TimeoutSeconds must be between 1 and 300; it is 301.",
            "Gateway:Probes:MaxConcurrency must be between 1 and 64; it is 0.",
            "Gateway:Models:a:Deployments:0:ProbeKind must be 'chat' or 'embeddings'; it is 'images'.",
            "Gateway:Models:b:Deployments:0:Probe and Gateway:Models:a:Deployments:0:Probe disagree about deployment 'mock/echo', which is probed once: set them the same way, or set it once.",
            "Gateway:Models:c:Deployments:1:ProbeKind and Gateway:Models:c:Deployments:0:ProbeKind disagree about deployment 'mock/v', which is probed once: set them the same way, or set it once.",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), result.Errors.Order(StringComparer.Ordinal));
    }
}
