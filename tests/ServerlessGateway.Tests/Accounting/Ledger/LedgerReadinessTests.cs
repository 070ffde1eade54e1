using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Accounting.Ledger;

public sealed class LedgerReadinessTests
{
    [Fact]
    public async Task Readiness_is_degraded_while_spilled_records_wait_and_ready_once_the_writer_drained_them()
    {
        var spill = LedgerRecords.TempPath(".jsonl");
        new UsageSpillFile(spill, new LedgerStats()).Append(LedgerRecords.Many(5));
        var config = GatewayHost.Config();
        config["Gateway"]!["Governance"] = new JsonObject { ["Ledger"] = new JsonObject { ["SpillPath"] = spill, ["FlushIntervalMilliseconds"] = 50 } };

        await using var host = await GatewayHost.StartAsync(config);
        var store = host.Services.GetRequiredService<IUsageStore>();
        await LedgerRecords.EventuallyAsync(async () => (await LedgerRecords.AllAsync(store)).Count == 5, "spill left by an earlier run written");
        await LedgerRecords.EventuallyAsync(() => Task.FromResult(host.Services.GetRequiredService<LedgerStats>().SpillPending == 0), "spill count cleared");

        var ready = JsonNode.Parse(await host.Client.GetStringAsync("/health/ready"))!;
        Assert.Equal("ready", (string?)ready["status"]);

        host.Services.GetRequiredService<LedgerStats>().SpillAppended(3); // as if the queue had just overflowed
        var degraded = JsonNode.Parse(await host.Client.GetStringAsync("/health/ready"))!;
        Assert.Equal("degraded", (string?)degraded["status"]);
        Assert.Contains(degraded["problems"]!.AsArray(), p => ((string?)p)!.Contains("Usage ledger: 3 records spilled", StringComparison.Ordinal));
    }
}
