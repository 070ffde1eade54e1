using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Tests.Accounting.Ledger;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Endpoints.Admin;

public sealed class ReportEndpointsTests
{
    private static async Task<GatewayHost> StartWithRecordsAsync(params UsageRecord[] records)
    {
        var config = GatewayHost.Config();
        config["Gateway"]!["Storage"] = new JsonObject { ["Kind"] = "sqlite" };
        var host = await GatewayHost.StartAsync(config);
        var sink = host.Services.GetRequiredService<IUsageSink>();
        foreach (var record in records)
        {
            sink.Record(record);
        }

        var store = host.Services.GetRequiredService<IUsageStore>();
        await LedgerRecords.EventuallyAsync(async () => (await LedgerRecords.AllAsync(store)).Count == records.Length, "records written by the ledger");
        return host;
    }

    private static async Task<JsonNode> GetJsonAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    [Fact]
    public async Task Spend_usage_and_request_reports_show_what_went_through_the_sink()
    {
        var at = new DateTimeOffset(2026, 3, 10, 10, 15, 0, TimeSpan.Zero);
        UsageRecord[] records =
        [
            LedgerRecords.Make(0, at, key: "cfg:a", model: "m1", tags: ("app", "x")),
            LedgerRecords.Make(1, at.AddMinutes(1), key: "cfg:a", model: "m2"),
            LedgerRecords.Make(2, at.AddHours(1), key: "cfg:b", model: "m1", tags: ("app", "x")),
            LedgerRecords.Make(3, at.AddHours(1), key: "cfg:a", model: "m1") with { RequestId = "req-000002", Attempt = 2 },
        ];
        await using var host = await StartWithRecordsAsync(records);
        using var admin = host.CreateClient(GatewayHost.MasterKey);

        using (var rollup = await admin.PostAsync("/admin/jobs/spend-rollup", null))
        {
            Assert.Equal(HttpStatusCode.OK, rollup.StatusCode);
            Assert.Equal(4, JsonNode.Parse(await rollup.Content.ReadAsStringAsync())!["new_records"]!.GetValue<long>());
        }

        var total = await GetJsonAsync(admin, "/admin/spend?from=2026-03-10&to=2026-03-11&group_by=key,model&granularity=total");
        var rows = total["data"]!.AsArray();
        Assert.Equal(3, rows.Count);
        var a1 = rows.Single(r => (string?)r!["group"]!["key"] == "cfg:a" && (string?)r!["group"]!["model"] == "m1")!;
        Assert.Equal(2, a1["requests"]!.GetValue<long>());
        Assert.Equal(records[0].CostUsd + records[3].CostUsd, a1["cost_usd"]!.GetValue<decimal>());
        Assert.Equal(records[0].Usage.CachedInputTokens + records[3].Usage.CachedInputTokens, a1["cached_input_tokens"]!.GetValue<long>());

        var hourly = await GetJsonAsync(admin, "/admin/spend?from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z&group_by=tag&granularity=hour");
        Assert.Equal(
            ["2026-03-10T10:00:00+00:00", "2026-03-10T11:00:00+00:00"],
            hourly["data"]!.AsArray().Select(r => r!["bucket_start"]!.GetValue<string>()).ToArray());
        Assert.All(hourly["data"]!.AsArray(), r => Assert.Equal("app=x", (string?)r!["group"]!["tag"]));

        var page = await GetJsonAsync(admin, "/admin/usage?key=cfg:a&limit=2");
        Assert.True(page["has_more"]!.GetValue<bool>());
        var next = await GetJsonAsync(admin, "/admin/usage?key=cfg:a&limit=2&cursor=" + page["next_cursor"]!.GetValue<string>());
        Assert.False(next["has_more"]!.GetValue<bool>());
        Assert.Equal(3, page["data"]!.AsArray().Count + next["data"]!.AsArray().Count);

        var request = await GetJsonAsync(admin, "/admin/requests/req-000002");
        Assert.Equal([1, 2], request["data"]!.AsArray().Select(r => r!["attempt"]!.GetValue<int>()).ToArray());
        var missing = await GetJsonAsync(admin, "/admin/requests/nope", HttpStatusCode.NotFound);
        Assert.Equal("request_not_found", (string?)missing["error"]!["code"]);
    }

    [Theory]
    [InlineData("/admin/spend?from=yesterday", "from")]
    [InlineData("/admin/spend?to=2026-13-45", "to")]
    [InlineData("/admin/spend?from=2026-03-02&to=2026-03-01", "from")]
    [InlineData("/admin/spend?group_by=key,colour", "group_by")]
    [InlineData("/admin/spend?granularity=minute", "granularity")]
    [InlineData("/admin/usage?limit=0", "limit")]
    [InlineData("/admin/usage?cursor=zzz", "cursor")]
    public async Task Bad_query_values_are_400s_naming_the_parameter(string path, string param)
    {
        await using var host = await GatewayHost.StartAsync(GatewayHost.Config());
        using var admin = host.CreateClient(GatewayHost.MasterKey);

        var error = await GetJsonAsync(admin, path, HttpStatusCode.BadRequest);

        Assert.Equal(param, (string?)error["error"]!["param"]);
        Assert.Equal("invalid_request_error", (string?)error["error"]!["type"]);
    }

    [Theory]
    [InlineData("/admin/spend")]
    [InlineData("/admin/usage")]
    [InlineData("/admin/requests/r1")]
    [InlineData("/admin/ledger")]
    public async Task Reports_are_for_admins_only(string path)
    {
        await using var host = await GatewayHost.StartAsync(GatewayHost.Config());
        using var anonymous = host.CreateClient(null);

        await GetJsonAsync(host.Client, path, HttpStatusCode.Forbidden);
        await GetJsonAsync(anonymous, path, HttpStatusCode.Unauthorized);
        using var rollup = await host.Client.PostAsync("/admin/jobs/spend-rollup", null);
        Assert.Equal(HttpStatusCode.Forbidden, rollup.StatusCode);
    }
}
