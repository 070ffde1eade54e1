using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Endpoints.Admin;

/// <summary>Bad bodies, wrong types, unknown ids and stale versions get the right 4xx, never a 500.</summary>
public sealed class AdminInputTests : IAsyncLifetime
{
    private GatewayHost? gateway;
    private HttpClient? admin;

    private HttpClient Admin => admin!;

    public async ValueTask InitializeAsync()
    {
        gateway = await GatewayHost.StartAsync(GatewayHost.Config());
        admin = gateway.CreateClient(GatewayHost.MasterKey);
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await gateway!.DisposeAsync();
    }

    [Theory]
    [InlineData("POST", "/admin/keys", "{not json", 400, "invalid_json", null)]
    [InlineData("POST", "/admin/keys", "[1]", 400, "invalid_json", null)]
    [InlineData("POST", "/admin/keys", """{"name":"k","models":"mock-echo"}""", 400, "invalid_type", "models")]
    [InlineData("POST", "/admin/keys", """{"name":"k","model":["mock-echo"]}""", 400, null, null)]
    [InlineData("POST", "/admin/keys", """{"name":"k","limits":{"requests_per_minute":"many"}}""", 400, "invalid_type", "limits.requests_per_minute")]
    [InlineData("POST", "/admin/keys", """{"models":["mock-echo"]}""", 400, "invalid_value", "name")]
    [InlineData("POST", "/admin/keys", """{"name":"k","models":["gpt-9"]}""", 400, "invalid_value", "models")]
    [InlineData("POST", "/admin/keys", """{"name":"k","role":"root"}""", 400, "invalid_value", "role")]
    [InlineData("POST", "/admin/keys", """{"name":"k","limits":{"requests_per_minute":0}}""", 400, "invalid_value", "limits")]
    [InlineData("POST", "/admin/keys", """{"name":"k","limits":{"per_model":{"gpt-9":{"max_parallel":1}}}}""", 400, "invalid_value", "limits")]
    [InlineData("POST", "/admin/keys", """{"name":"k","budget":{"max_usd":-1}}""", 400, "invalid_value", "budget")]
    [InlineData("POST", "/admin/keys", """{"name":"k","budget":{"max_usd":5,"period":"hourly"}}""", 400, "invalid_value", "budget")]
    [InlineData("POST", "/admin/keys", """{"name":"k","user_id":"nobody"}""", 400, "invalid_value", "user_id")]
    [InlineData("POST", "/admin/keys", """{"name":"k","expires_at":1}""", 400, "invalid_value", "expires_at")]
    [InlineData("POST", "/admin/keys", """{"name":"k","expires_in_seconds":0}""", 400, "invalid_value", "expires_in_seconds")]
    [InlineData("POST", "/admin/keys", """{"name":"k","expires_in_seconds":5,"expires_at":99999999999}""", 400, "invalid_value", "expires_at")]
    [InlineData("GET", "/admin/keys?limit=0", null, 400, "invalid_value", "limit")]
    [InlineData("GET", "/admin/keys/key_missing", null, 404, "not_found", null)]
    [InlineData("PATCH", "/admin/keys/key_missing", "{}", 404, "not_found", null)]
    [InlineData("DELETE", "/admin/keys/key_missing", null, 404, "not_found", null)]
    [InlineData("POST", "/admin/keys/key_missing/rotate", null, 404, "not_found", null)]
    [InlineData("POST", "/admin/teams", """{"id":"t","organization_id":"nowhere"}""", 400, "invalid_value", "organization_id")]
    [InlineData("POST", "/admin/teams", """{"id":"t","team_id":"x"}""", 400, "invalid_value", "team_id")]
    [InlineData("POST", "/admin/organizations", """{"id":"has space"}""", 400, "invalid_value", "id")]
    [InlineData("POST", "/admin/users", """{"id":"u","metadata":{"a":5}}""", 400, "invalid_type", "metadata.a")]
    [InlineData("GET", "/admin/users/nobody", null, 404, "not_found", null)]
    [InlineData("DELETE", "/admin/teams/nobody", null, 404, "not_found", null)]
    public async Task A_bad_request_gets_an_OpenAI_shaped_error_naming_the_field(string method, string path, string? body, int status, string? code, string? param)
    {
        var error = await AdminApi.SendAsync(Admin, new HttpMethod(method), path, body, status);

        Assert.False(string.IsNullOrEmpty(error["error"]!["message"]!.GetValue<string>()));
        if (code is not null)
        {
            Assert.Equal(code, error["error"]!["code"]!.GetValue<string>());
        }

        if (param is not null)
        {
            Assert.Equal(param, error["error"]!["param"]?.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_patch_with_a_stale_If_Match_is_a_conflict_and_one_without_applies_to_the_latest()
    {
        var created = await AdminApi.CreateKeyViewAsync(Admin, """{"name":"k"}""");
        var path = $"/admin/keys/{created["id"]}";
        await AdminApi.SendAsync(Admin, HttpMethod.Patch, path, """{"metadata":{"a":"1"}}""");

        using var stale = new HttpRequestMessage(HttpMethod.Patch, path) { Content = Json.Body("""{"name":"lost"}""") };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using var refused = await Admin.SendAsync(stale, TestContext.Current.CancellationToken);
        await Json.AssertErrorAsync(refused, 409, "version_conflict");

        using var current = new HttpRequestMessage(HttpMethod.Patch, path) { Content = Json.Body("""{"name":"kept"}""") };
        current.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
        using var accepted = await Admin.SendAsync(current, TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)accepted.StatusCode);
        Assert.Equal("\"3\"", accepted.Headers.ETag?.ToString());

        var latest = await AdminApi.SendAsync(Admin, HttpMethod.Get, path, null);
        Assert.Equal(("kept", "1", 3), (latest["name"]!.GetValue<string>(), latest["metadata"]!["a"]!.GetValue<string>(), latest["version"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Nothing_still_referred_to_can_be_deleted()
    {
        await AdminApi.SendAsync(Admin, HttpMethod.Post, "/admin/organizations", """{"id":"acme"}""", 201);
        await AdminApi.SendAsync(Admin, HttpMethod.Post, "/admin/teams", """{"id":"search","organization_id":"acme"}""", 201);
        var key = await AdminApi.CreateKeyViewAsync(Admin, """{"name":"k","team_id":"search"}""");

        var orgInUse = await AdminApi.SendAsync(Admin, HttpMethod.Delete, "/admin/organizations/acme", null, 409);
        var teamInUse = await AdminApi.SendAsync(Admin, HttpMethod.Delete, "/admin/teams/search", null, 409);
        Assert.Contains("teams", orgInUse["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("keys", teamInUse["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        await AdminApi.SendAsync(Admin, HttpMethod.Patch, $"/admin/keys/{key["id"]}", """{"team_id":null}""");
        await AdminApi.SendAsync(Admin, HttpMethod.Delete, "/admin/teams/search", null, 204);
        await AdminApi.SendAsync(Admin, HttpMethod.Delete, "/admin/organizations/acme", null, 204);
        await AdminApi.SendAsync(Admin, HttpMethod.Get, "/admin/organizations/acme", null, 404);
    }

    [Fact]
    public async Task Directory_entries_list_with_filters_and_pages()
    {
        await AdminApi.SendAsync(Admin, HttpMethod.Post, "/admin/organizations", """{"id":"acme","name":"Acme"}""", 201);
        foreach (var id in new[] { "a", "b", "c" })
        {
            await AdminApi.SendAsync(Admin, HttpMethod.Post, "/admin/users", $$"""{"id":"{{id}}","organization_id":"acme"}""", 201);
        }

        await AdminApi.SendAsync(Admin, HttpMethod.Post, "/admin/users", """{"id":"z"}""", 201);
        var first = await AdminApi.SendAsync(Admin, HttpMethod.Get, "/admin/users?organization_id=acme&limit=2", null);
        var rest = await AdminApi.SendAsync(Admin, HttpMethod.Get, $"/admin/users?organization_id=acme&limit=2&after={first["last_id"]}", null);

        Assert.Equal(["a", "b"], first["data"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()));
        Assert.True(first["has_more"]!.GetValue<bool>());
        Assert.Equal(["c"], rest["data"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()));
        Assert.Equal("user", rest["data"]![0]!["object"]!.GetValue<string>());
        await AdminApi.SendAsync(Admin, HttpMethod.Post, "/admin/users", """{"id":"a"}""", 409);
    }
}
