using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using ServerlessGateway.Tests.Endpoints.Admin;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Governance;

/// <summary>
/// The whole governance path with the official SDK as the caller: an admin builds org → team → user → key,
/// the key's calls are priced, attributed, recorded in the ledger, rolled up, and stopped by the team's budget.
/// </summary>
public sealed class GovernanceJourneyTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stored_keys_calls_are_priced_attributed_recorded_rolled_up_and_stopped_by_its_teams_budget()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => Respond.Json(context, 200, OpenAIWire.Completion()));
        var config = BudgetEnforcementTests.Config(upstream.BaseUrl, budget: 1m);
        config["Gateway"]!["Storage"] = new JsonObject { ["Kind"] = "sqlite" };
        config["Gateway"]!["Governance"] = new JsonObject { ["Ledger"] = new JsonObject { ["FlushIntervalMilliseconds"] = 50 } };
        await using var gateway = await GatewayHost.StartAsync(config);
        using var admin = gateway.CreateClient(GatewayHost.MasterKey);

        // $63e-6 a day for the team: a call reserves its worst case (8 prompt + 100 output tokens at gpt-4o-mini
        // prices: $61.2e-6) and settles at its real cost ($3.825e-6); what is left then cannot cover a second worst case.
        await AdminApi.SendAsync(admin, HttpMethod.Post, "/admin/organizations", """{"id":"acme","name":"Acme"}""", 201);
        await AdminApi.SendAsync(admin, HttpMethod.Post, "/admin/teams", """{"id":"search","name":"Search","organization_id":"acme","budget":{"max_usd":0.000063,"period":"daily"}}""", 201);
        await AdminApi.SendAsync(admin, HttpMethod.Post, "/admin/users", """{"id":"ada","name":"Ada","team_id":"search"}""", 201);
        var key = await AdminApi.CreateKeyViewAsync(admin, """{"name":"ada-laptop","user_id":"ada","tags":{"app":"notebook"}}""");
        var secret = key["secret"]!.GetValue<string>();
        var keyId = key["id"]!.GetValue<string>();

        var sdk = new ChatClient("paid", new ApiKeyCredential(secret), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl + "/v1") });
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 100, EndUserId = "end-user-7" };
        options.Metadata["feature"] = "summaries";
        var first = await sdk.CompleteChatAsync([new UserChatMessage("hi")], options, Token);
        Assert.Equal("Hello from upstream", first.Value.Content[0].Text);
        var requestId = first.GetRawResponse().Headers.TryGetValue("x-request-id", out var id) ? id! : throw new InvalidOperationException("no request id");
        var cost = decimal.Parse(first.GetRawResponse().Headers.TryGetValue("x-gateway-cost-usd", out var c) ? c! : "-1", CultureInfo.InvariantCulture);
        Assert.Equal(3.825e-6m, cost);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => sdk.CompleteChatAsync([new UserChatMessage("hi")], options, Token));
        Assert.Equal(429, refused.Status);
        Assert.Contains("insufficient_quota", refused.Message, StringComparison.Ordinal);
        Assert.Single(upstream.Requests);

        var records = await WaitForRecordsAsync(admin, requestId);
        var record = records["data"]!.AsArray().Single()!;
        Assert.Equal(keyId, record["key_id"]!.GetValue<string>());
        Assert.Equal("ada", record["user_id"]!.GetValue<string>());
        Assert.Equal("search", record["team_id"]!.GetValue<string>());
        Assert.Equal("acme", record["organization_id"]!.GetValue<string>());
        Assert.Equal("paid", record["requested_model"]!.GetValue<string>());
        Assert.Equal("gpt-4o-mini", record["served_model"]!.GetValue<string>());
        Assert.Equal(cost, record["cost_usd"]!.GetValue<decimal>());
        var tags = record["tags"]!.AsObject();
        Assert.Equal("notebook", tags["app"]!.GetValue<string>());
        Assert.Equal("summaries", tags["feature"]!.GetValue<string>());
        Assert.Equal("end-user-7", tags["user"]!.GetValue<string>());

        await AdminApi.SendAsync(admin, HttpMethod.Post, "/admin/jobs/spend-rollup", null);
        var spend = await AdminApi.SendAsync(admin, HttpMethod.Get, "/admin/spend?group_by=team&granularity=total", null);
        var team = spend["data"]!.AsArray().Single(r => r!["group"]!["team"]?.GetValue<string>() == "search")!;
        Assert.Equal(cost, team["cost_usd"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_malformed_tags_header_is_a_400_naming_it()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"mock-echo","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-gateway-tags", "=nameless");

        using var response = await gateway.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("x-gateway-tags", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    private static async Task<JsonNode> WaitForRecordsAsync(HttpClient admin, string requestId)
    {
        for (var i = 0; ; i++)
        {
            using var response = await admin.GetAsync($"/admin/requests/{requestId}", Token);
            if (response.StatusCode == HttpStatusCode.OK || i == 100)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!;
            }

            await Task.Delay(100, Token);
        }
    }
}
