using System.ClientModel;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Models;
using ServerlessGateway.Auth.Keys;
using ServerlessGateway.Storage.Sqlite;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Endpoints.Admin;

/// <summary>
/// A stored key from creation to revocation, used through the official OpenAI SDK (GET /v1/models goes through
/// the identity resolver), with expiry and rotation on an injected clock, on a real SQLite file.
/// </summary>
public sealed class KeyLifecycleTests : IAsyncLifetime
{
    private readonly ManualTime time = new(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private GatewayHost? gateway;
    private HttpClient? admin;

    private GatewayHost Gateway => gateway!;

    private HttpClient Admin => admin!;

    public async ValueTask InitializeAsync()
    {
        var config = GatewayHost.Config();
        config["Gateway"]!["Storage"] = new System.Text.Json.Nodes.JsonObject { ["Kind"] = "sqlite" };
        gateway = await GatewayHost.StartAsync(config, time: time);
        admin = Gateway.CreateClient(GatewayHost.MasterKey);
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Gateway.DisposeAsync();
    }

    [Fact]
    public async Task A_created_key_works_with_the_OpenAI_SDK_until_it_is_revoked()
    {
        var created = await AdminApi.CreateKeyViewAsync(Admin, """{"name":"search","models":["mock-echo"]}""");
        var secret = created["secret"]!.GetValue<string>();

        var models = await ModelsAsync(secret);
        Assert.Equal(["mock-echo"], models);

        await AdminApi.SendAsync(Admin, HttpMethod.Delete, $"/admin/keys/{created["id"]}", null);
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => ModelsAsync(secret));
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task The_secret_is_shown_once_and_stored_only_as_its_hash()
    {
        var created = await AdminApi.CreateKeyViewAsync(Admin, """{"name":"ci","metadata":{"owner":"ann"}}""");
        var secret = created["secret"]!.GetValue<string>();
        var id = created["id"]!.GetValue<string>();

        Assert.Matches("^sk-gw-[A-Za-z0-9_-]{43}$", secret);
        Assert.Equal(secret[..10] + "…", created["display_prefix"]!.GetValue<string>());
        var got = (await AdminApi.SendAsync(Admin, HttpMethod.Get, $"/admin/keys/{id}", null)).ToJsonString();
        var listed = (await AdminApi.SendAsync(Admin, HttpMethod.Get, "/admin/keys", null)).ToJsonString();
        foreach (var text in new[] { got, listed })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[10..20], text, StringComparison.Ordinal);
            Assert.DoesNotContain(KeySecrets.Hash(secret), text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"secret\"", text, StringComparison.Ordinal);
        }

        var stored = StoredBytes();
        Assert.Contains(KeySecrets.Hash(secret), stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[6..], stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_key_is_refused_with_its_own_code()
    {
        var secret = await AdminApi.CreateKeyAsync(Admin, """{"name":"temp","expires_in_seconds":60}""");
        using var client = Gateway.CreateClient(secret);

        Assert.Equal(200, await ModelsStatusAsync(client));
        time.Advance(TimeSpan.FromSeconds(61));

        using var response = await client.GetAsync("/v1/models", TestContext.Current.CancellationToken);
        await Json.AssertErrorAsync(response, 401, "expired_api_key");
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_work_during_the_grace_and_only_the_new_one_after()
    {
        var created = await AdminApi.CreateKeyViewAsync(Admin, """{"name":"svc"}""");
        var old = created["secret"]!.GetValue<string>();
        using var oldClient = Gateway.CreateClient(old);
        Assert.Equal(200, await ModelsStatusAsync(oldClient)); // cached before the rotation: the rotation must still apply

        var rotated = await AdminApi.SendAsync(Admin, HttpMethod.Post, $"/admin/keys/{created["id"]}/rotate", """{"grace_seconds":120}""");
        var fresh = rotated["secret"]!.GetValue<string>();
        using var freshClient = Gateway.CreateClient(fresh);

        Assert.NotEqual(old, fresh);
        Assert.Equal((200, 200), (await ModelsStatusAsync(oldClient), await ModelsStatusAsync(freshClient)));
        time.Advance(TimeSpan.FromSeconds(121));
        Assert.Equal((401, 200), (await ModelsStatusAsync(oldClient), await ModelsStatusAsync(freshClient)));
    }

    [Fact]
    public async Task A_rotation_without_grace_stops_the_old_secret_at_once()
    {
        var created = await AdminApi.CreateKeyViewAsync(Admin, """{"name":"svc"}""");
        using var oldClient = Gateway.CreateClient(created["secret"]!.GetValue<string>());
        Assert.Equal(200, await ModelsStatusAsync(oldClient));

        await AdminApi.SendAsync(Admin, HttpMethod.Post, $"/admin/keys/{created["id"]}/rotate", null);

        Assert.Equal(401, await ModelsStatusAsync(oldClient));
    }

    [Fact]
    public async Task A_key_limited_to_some_models_sees_only_those()
    {
        var secret = await AdminApi.CreateKeyAsync(Admin, """{"name":"embed","models":["mock-embedding"]}""");

        Assert.Equal(["mock-embedding"], await ModelsAsync(secret));
    }

    private async Task<List<string>> ModelsAsync(string secret)
    {
        var client = new OpenAIModelClient(new ApiKeyCredential(secret), new OpenAIClientOptions { Endpoint = new Uri(Gateway.BaseUrl + "/v1") });
        var models = await client.GetModelsAsync(TestContext.Current.CancellationToken);
        return models.Value.Select(m => m.Id).ToList();
    }

    private static async Task<int> ModelsStatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/v1/models", TestContext.Current.CancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>Everything SQLite holds: the database file and its write-ahead log.</summary>
    private string StoredBytes()
    {
        var path = Gateway.Services.GetRequiredService<SqliteDatabase>().Path;
        var text = new StringBuilder();
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            text.Append(Encoding.Latin1.GetString(memory.ToArray()));
        }

        return text.ToString();
    }
}
