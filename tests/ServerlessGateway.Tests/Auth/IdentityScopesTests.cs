using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Auth.Identity;
using ServerlessGateway.Configuration;
using ServerlessGateway.Limits;
using ServerlessGateway.Tests.Endpoints.Admin;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Auth;

/// <summary>A caller's identity carries every level it belongs to (key, user, team, organisation), inherited where not named.</summary>
public sealed class IdentityScopesTests : IAsyncLifetime
{
    private const string ConfigKey = "sk-config-key-with-user";
    private GatewayHost? gateway;
    private HttpClient? admin;

    private GatewayHost Gateway => gateway!;

    private HttpClient Admin => admin!;

    public async ValueTask InitializeAsync()
    {
        var config = GatewayHost.Config();
        ((JsonArray)config["Gateway"]!["Keys"]!).Add(new JsonObject
        {
            ["Name"] = "batch",
            ["Key"] = ConfigKey,
            ["User"] = "ann",
            ["Limits"] = new JsonObject { ["RequestsPerMinute"] = 7 },
            ["Tags"] = new JsonObject { ["app"] = "batch" },
        });
        gateway = await GatewayHost.StartAsync(config);
        admin = Gateway.CreateClient(GatewayHost.MasterKey);
        await AdminApi.SendAsync(Admin, HttpMethod.Post, "/admin/organizations", """{"id":"acme","budget":{"max_usd":100,"period":"monthly"}}""", 201);
        await AdminApi.SendAsync(Admin, HttpMethod.Post, "/admin/teams", """{"id":"search","organization_id":"acme","limits":{"tokens_per_minute":5000}}""", 201);
        await AdminApi.SendAsync(Admin, HttpMethod.Post, "/admin/users", """{"id":"ann","team_id":"search","limits":{"max_parallel":2}}""", 201);
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Gateway.DisposeAsync();
    }

    [Fact]
    public async Task A_stored_key_naming_only_its_user_inherits_team_and_organisation_with_their_limits_and_budget()
    {
        var view = await AdminApi.CreateKeyViewAsync(Admin, """{"name":"k","user_id":"ann","limits":{"requests_per_minute":10},"tags":{"env":"prod"}}""");

        var caller = await ResolveAsync(view["secret"]!.GetValue<string>());

        var keyId = view["id"]!.GetValue<string>();
        Assert.Equal((keyId, "ann", "search", "acme"), (caller.KeyId, caller.UserId, caller.TeamId, caller.OrganizationId));
        Assert.Equal(
            [new ScopeRef(ScopeLevel.Key, keyId), new ScopeRef(ScopeLevel.User, "ann"), new ScopeRef(ScopeLevel.Team, "search"), new ScopeRef(ScopeLevel.Organization, "acme")],
            caller.Scopes.Select(s => s.Scope));
        Assert.Equal(10, caller.Scopes[0].Limits.All.RequestsPerMinute);
        Assert.Equal(2, caller.Scopes[1].Limits.All.MaxParallel);
        Assert.Equal(5000, caller.Scopes[2].Limits.All.TokensPerMinute);
        Assert.Equal(100m, caller.Scopes[3].Budget!.MaxUsd);
        Assert.Null(caller.Scopes[0].Budget);
        Assert.Equal("prod", caller.Tags["env"]);
        Assert.False(caller.IsAdmin);
    }

    [Fact]
    public async Task A_configured_key_gets_its_own_scope_and_the_directorys_levels_above_it()
    {
        var caller = await ResolveAsync(ConfigKey);

        Assert.Equal(("cfg:batch", "ann", "search", "acme"), (caller.KeyId, caller.UserId, caller.TeamId, caller.OrganizationId));
        Assert.Equal([ScopeLevel.Key, ScopeLevel.User, ScopeLevel.Team, ScopeLevel.Organization], caller.Scopes.Select(s => s.Scope.Level));
        Assert.Equal(7, caller.Scopes[0].Limits.All.RequestsPerMinute);
        Assert.Equal(100m, caller.Scopes[3].Budget!.MaxUsd);
        Assert.Equal("batch", caller.Tags["app"]);
    }

    [Fact]
    public async Task A_change_to_a_level_applies_to_the_next_request_on_this_instance()
    {
        var secret = await AdminApi.CreateKeyAsync(Admin, """{"name":"k","user_id":"ann"}""");
        Assert.Equal(5000, (await ResolveAsync(secret)).Scopes[2].Limits.All.TokensPerMinute);

        await AdminApi.SendAsync(Admin, HttpMethod.Patch, "/admin/teams/search", """{"limits":{"tokens_per_minute":9000}}""");

        Assert.Equal(9000, (await ResolveAsync(secret)).Scopes[2].Limits.All.TokensPerMinute);
    }

    [Fact]
    public async Task A_key_contradicting_its_users_team_is_refused()
    {
        await AdminApi.SendAsync(Admin, HttpMethod.Post, "/admin/teams", """{"id":"other","organization_id":"acme"}""", 201);

        var error = await AdminApi.SendAsync(Admin, HttpMethod.Post, "/admin/keys", """{"name":"k","user_id":"ann","team_id":"other"}""", 400);

        Assert.Equal("team_id", error["error"]!["param"]!.GetValue<string>());
    }

    private async Task<ServerlessGateway.Auth.CallerIdentity> ResolveAsync(string secret)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + secret;
        var snapshot = Gateway.Services.GetRequiredService<GatewayConfigStore>().Current;
        var resolved = await Gateway.Services.GetRequiredService<IIdentityResolver>().ResolveAsync(context.Request, snapshot, TestContext.Current.CancellationToken);
        Assert.NotNull(resolved.Caller);
        return resolved.Caller;
    }
}
