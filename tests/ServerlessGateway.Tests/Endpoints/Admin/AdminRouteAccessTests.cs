using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Endpoints.Admin;

/// <summary>Every route under /admin (enumerated from the app, so a new one cannot skip the gate) refuses non-admin callers.</summary>
public sealed partial class AdminRouteAccessTests : IAsyncLifetime
{
    private GatewayHost? gateway;

    private GatewayHost Gateway => gateway!;

    public async ValueTask InitializeAsync() => gateway = await GatewayHost.StartAsync(GatewayHost.Config());

    public async ValueTask DisposeAsync() => await Gateway.DisposeAsync();

    [Fact]
    public async Task Every_admin_route_answers_401_without_a_key_and_403_with_a_non_admin_key()
    {
        var routes = AdminRoutes();
        Assert.Contains(routes, r => r.Method == "POST" && r.Path == "/admin/keys");
        Assert.Contains(routes, r => r.Method == "DELETE" && r.Path == "/admin/organizations/x");
        Assert.True(routes.Count >= 21, $"only {routes.Count} admin routes found");

        using var anonymous = Gateway.CreateClient(null);
        foreach (var (method, path) in routes)
        {
            using var missing = await anonymous.SendAsync(Request(method, path, null), TestContext.Current.CancellationToken);
            using var wrong = await anonymous.SendAsync(Request(method, path, "sk-not-a-key"), TestContext.Current.CancellationToken);
            using var user = await anonymous.SendAsync(Request(method, path, GatewayHost.Key), TestContext.Current.CancellationToken);

            Assert.True((int)missing.StatusCode == 401, $"{method} {path} without a key: {(int)missing.StatusCode}");
            await Json.AssertErrorAsync(missing, 401, "missing_api_key");
            await Json.AssertErrorAsync(wrong, 401, "invalid_api_key");
            Assert.True((int)user.StatusCode == 403, $"{method} {path} with a user key: {(int)user.StatusCode}");
            await Json.AssertErrorAsync(user, 403, "admin_required");
        }
    }

    [Fact]
    public async Task A_stored_admin_key_may_use_the_admin_api_and_a_stored_user_key_may_not()
    {
        using var master = Gateway.CreateClient(GatewayHost.MasterKey);
        var admin = await AdminApi.CreateKeyAsync(master, """{"name":"ops","role":"admin"}""");
        var user = await AdminApi.CreateKeyAsync(master, """{"name":"app"}""");

        using var asAdmin = Gateway.CreateClient(admin);
        using var asUser = Gateway.CreateClient(user);
        using var allowed = await asAdmin.GetAsync("/admin/keys", TestContext.Current.CancellationToken);
        using var refused = await asUser.GetAsync("/admin/keys", TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)allowed.StatusCode);
        await Json.AssertErrorAsync(refused, 403, "admin_required");
    }

    private List<(string Method, string Path)> AdminRoutes() =>
        Gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/admin", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, Parameter().Replace(e.RoutePattern.RawText!, "x"))))
            .Distinct()
            .ToList();

    private static HttpRequestMessage Request(string method, string path, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (method is "POST" or "PATCH" or "PUT")
        {
            request.Content = Json.Body("{}");
        }

        return request;
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
