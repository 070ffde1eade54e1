using ServerlessGateway.Configuration;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Configuration;

/// <summary>The configuration file is watched: valid changes apply without a restart, invalid ones are refused.</summary>
public sealed class ConfigReloadTests
{
    [Fact]
    public async Task A_valid_change_applies_without_restart_and_an_invalid_one_keeps_the_previous_config()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        var store = (GatewayConfigStore)gateway.Services.GetService(typeof(GatewayConfigStore))!;

        var added = GatewayHost.Config();
        added["Gateway"]!["Models"]!["mock-new"] = GatewayHost.Deployments(("mock", "new"));
        await gateway.RewriteConfigAsync(added);
        await WaitUntilAsync(() => store.Current.Models.ContainsKey("mock-new"));

        using (var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"mock-new","messages":[{"role":"user","content":"hi"}]}"""))
        {
            Assert.Equal(200, (int)response.StatusCode);
        }

        var broken = GatewayHost.Config();
        broken["Gateway"]!["Models"]!["mock-echo"] = GatewayHost.Deployments(("no-such-provider", "x"));
        await gateway.RewriteConfigAsync(broken);
        await WaitUntilAsync(() => gateway.Logs.Entries.Any(e => e.Contains("Configuration change rejected", StringComparison.Ordinal)));

        Assert.True(store.Current.Models.ContainsKey("mock-new"));
        using var stillServing = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"mock-new","messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(200, (int)stillServing.StatusCode);
        Assert.Contains(gateway.Logs.Entries, e => e.Contains("no-such-provider", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keys_added_by_a_reload_work_and_removed_keys_stop_working()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        var store = (GatewayConfigStore)gateway.Services.GetService(typeof(GatewayConfigStore))!;
        var config = GatewayHost.Config();
        config["Gateway"]!["Keys"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["Name"] = "rotated", ["Key"] = "sk-rotated-key-77" });

        await gateway.RewriteConfigAsync(config);
        await WaitUntilAsync(() => store.Current.Keys.Find("sk-rotated-key-77") is not null);

        using var oldKey = await gateway.Client.GetAsync("/v1/models");
        using var newKey = await gateway.CreateClient("sk-rotated-key-77").GetAsync("/v1/models");
        await Json.AssertErrorAsync(oldKey, 401, "invalid_api_key");
        Assert.Equal(200, (int)newKey.StatusCode);
    }

    [Fact]
    public async Task An_invalid_document_stops_startup_with_every_error_listed()
    {
        var config = GatewayHost.Config();
        config["Gateway"]!["Models"]!["a"] = GatewayHost.Deployments(("ghost", "x"));
        config["Gateway"]!["Providers"]!["bad"] = new System.Text.Json.Nodes.JsonObject { ["Type"] = "carrier-pigeon" };

        var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() => GatewayHost.StartAsync(config));

        Assert.Equal(2, error.Errors.Count);
        Assert.Contains("ghost", error.Message, StringComparison.Ordinal);
        Assert.Contains("carrier-pigeon", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_line_and_environment_style_overrides_win_over_the_document()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(), extraArgs: ["--Gateway:MaxRequestBodyBytes=2048"]);
        var big = "{\"model\":\"mock-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 3000) + "\"}]}";

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", big);

        await Json.AssertErrorAsync(response, 413, "request_too_large");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 10 s");
            await Task.Delay(50);
        }
    }
}
