using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Alerts;
using ServerlessGateway.Configuration;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Alerts;

public sealed class WebhookConfigurationTests
{
    [Fact]
    public void Invalid_webhooks_are_refused_at_build_with_every_problem_listed()
    {
        var options = new GatewayOptions();
        options.Governance.Alerts.Webhooks.AddRange(
        [
            new WebhookOptions { Url = "hooks.slack.com/services/x", Format = "xml" },
            new WebhookOptions { Url = "ftp://example.com/hook", Format = "slack" },
            new WebhookOptions { Url = null },
            new WebhookOptions { Url = "https://example.com/ok", Format = "teams" },
        ]);

        var result = new GatewaySnapshotBuilder(new EnvironmentReferences(_ => null), TimeProvider.System).Build(options);

        Assert.Null(result.Snapshot);
        Assert.Equal(
            [
                "Gateway:Governance:Alerts:Webhooks:0:Url must be an absolute http or https URL; it is 'hooks.slack.com/services/x'.",
                "Gateway:Governance:Alerts:Webhooks:0:Format must be one of json, slack, teams; it is 'xml'.",
                "Gateway:Governance:Alerts:Webhooks:1:Url must be an absolute http or https URL; it is 'ftp://example.com/hook'.",
                "Gateway:Governance:Alerts:Webhooks:2:Url must be an absolute http or https URL; it is ''.",
            ],
            result.Errors);
    }

    [Fact]
    public async Task The_app_refuses_to_start_with_an_invalid_webhook()
    {
        var config = WithWebhook(GatewayHost.Config(), "not a url", "json");

        var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() => GatewayHost.StartAsync(config));

        Assert.Contains("Gateway:Governance:Alerts:Webhooks:0:Url must be an absolute http or https URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_running_app_delivers_a_published_alert_to_the_configured_webhook()
    {
        await using var receiver = await FakeUpstream.StartAsync(context => Respond.Json(context, 200, "{}"));
        await using var host = await GatewayHost.StartAsync(WithWebhook(GatewayHost.Config(), receiver.BaseUrl + "/alerts", "json"));

        host.Services.GetRequiredService<IAlertPublisher>().Publish(AlertTestKit.Alert);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (receiver.Requests.IsEmpty)
        {
            await Task.Delay(10, timeout.Token);
        }

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/alerts", request.PathAndQuery);
        Assert.Equal(AlertTestKit.Alert.Id, JsonDocument.Parse(request.Body).RootElement.GetProperty("id").GetString());
    }

    private static JsonObject WithWebhook(JsonObject config, string url, string format)
    {
        config["Gateway"]!["Governance"] = new JsonObject
        {
            ["Alerts"] = new JsonObject { ["Webhooks"] = new JsonArray(new JsonObject { ["Url"] = url, ["Format"] = format }) },
        };
        return config;
    }
}
