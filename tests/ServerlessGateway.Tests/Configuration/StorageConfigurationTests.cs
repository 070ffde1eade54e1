using System.Text.Json.Nodes;
using ServerlessGateway.Configuration;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Configuration;

/// <summary>Limits without a usable store fail at start-up with a clear message (pain point 8), never at the first request.</summary>
public sealed class StorageConfigurationTests
{
    [Fact]
    public async Task An_unusable_sqlite_path_stops_start_up_naming_it()
    {
        var blocker = Path.GetTempFileName();
        try
        {
            var config = GatewayHost.Config();
            config["Gateway"]!["Storage"] = new JsonObject { ["Kind"] = "sqlite", ["SqlitePath"] = Path.Combine(blocker, "gateway.db") };

            var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() => GatewayHost.StartAsync(config));

            Assert.Contains("Gateway:Storage:SqlitePath", error.Message, StringComparison.Ordinal);
            Assert.Contains(blocker, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [Fact]
    public async Task Limits_kept_in_memory_under_the_scaling_functions_host_stop_start_up()
    {
        var config = GatewayHost.Config();
        config["Gateway"]!["Keys"]!.AsArray().Add(new JsonObject { ["Name"] = "limited", ["Key"] = "sk-limited-0001", ["Limits"] = new JsonObject { ["RequestsPerMinute"] = 10 } });

        var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() =>
            GatewayHost.StartAsync(config, new Dictionary<string, string> { [GatewayApplication.CustomHandlerPortVariable] = "7071" }));

        Assert.Contains("Gateway:Storage:Kind is 'memory'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Kind":"redis"}""", "Gateway:Storage:Kind must be")]
    [InlineData("""{"Kind":"sqlite","SqlitePath":" "}""", "Gateway:Storage:SqlitePath must name a file")]
    [InlineData("""{"Kind":"cosmos"}""", "Gateway:Storage:Cosmos:Endpoint must be the account's https URL")]
    [InlineData("""{"Kind":"cosmos","Cosmos":{"Endpoint":"http://acct.documents.azure.com/"}}""", "Gateway:Storage:Cosmos:Endpoint must be the account's https URL")]
    [InlineData("""{"Kind":"cosmos","Cosmos":{"Endpoint":"https://acct.documents.azure.com/","ConnectionMode":"tcp"}}""", "Gateway:Storage:Cosmos:ConnectionMode must be")]
    public async Task A_wrong_storage_section_is_listed(string storage, string expected)
    {
        var config = GatewayHost.Config();
        config["Gateway"]!["Storage"] = JsonNode.Parse(storage);
        config["Gateway"]!["Governance"] = new JsonObject { ["TimeZone"] = "Mars/Olympus_Mons" };

        var error = await Assert.ThrowsAsync<GatewayConfigurationException>(() => GatewayHost.StartAsync(config));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Governance:TimeZone", error.Message, StringComparison.Ordinal);
    }
}
