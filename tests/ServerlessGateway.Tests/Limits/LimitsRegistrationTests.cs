using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Budgets;
using ServerlessGateway.Limits;
using ServerlessGateway.Storage.Memory;
using ServerlessGateway.Storage.Sqlite;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Limits;

/// <summary>The real app registers the limiter, the budget gate and the store the configuration names.</summary>
public sealed class LimitsRegistrationTests
{
    [Theory]
    [InlineData("sqlite", typeof(SqliteCounterStore))]
    [InlineData("memory", typeof(InMemoryCounterStore))]
    public async Task The_configured_storage_kind_decides_the_counter_store(string kind, Type expected)
    {
        var config = GatewayHost.Config();
        config["Gateway"]!["Storage"] = new JsonObject { ["Kind"] = kind };
        await using var gateway = await GatewayHost.StartAsync(config);

        Assert.IsType(expected, gateway.Services.GetRequiredService<ICounterStore>());
        Assert.IsType<RateLimiter>(gateway.Services.GetRequiredService<IRateLimiter>());
        Assert.IsType<BudgetGate>(gateway.Services.GetRequiredService<IBudgetGate>());
        Assert.Contains(gateway.Services.GetServices<IHostedService>(), s => s is LeaseMaintenance);
    }
}
