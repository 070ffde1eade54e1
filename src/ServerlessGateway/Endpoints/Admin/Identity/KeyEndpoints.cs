using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Auth.Directory;
using ServerlessGateway.Auth.Identity;
using ServerlessGateway.Auth.Keys;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints.Admin.Identity;

/// <summary>
/// /admin/keys: create (the secret shown once), list, get, patch, revoke (DELETE) and rotate virtual keys.
/// Every write empties this instance's identity cache, so a revoked key stops here at once (elsewhere within
/// the cache's TTL).
/// </summary>
public sealed class KeyEndpoints(IKeyStore keys, IDirectoryStore directory, IdentityCache cache, ISecretGenerator secrets, TimeProvider time)
{
    private const string What = "key";
    private static readonly TimeSpan MaxGrace = TimeSpan.FromDays(30);

    public static void Map(IEndpointRouteBuilder app)
    {
        var endpoints = ActivatorUtilities.CreateInstance<KeyEndpoints>(app.ServiceProvider);
        app.MapAdmin(HttpMethods.Post, "/keys", endpoints.CreateAsync);
        app.MapAdmin(HttpMethods.Get, "/keys", endpoints.ListAsync);
        app.MapAdmin(HttpMethods.Get, "/keys/{id}", endpoints.GetAsync);
        app.MapAdmin(HttpMethods.Patch, "/keys/{id}", endpoints.PatchAsync);
        app.MapAdmin(HttpMethods.Delete, "/keys/{id}", endpoints.RevokeAsync);
        app.MapAdmin(HttpMethods.Post, "/keys/{id}/rotate", endpoints.RotateAsync);
    }

    private async Task CreateAsync(AdminCall call)
    {
        var (write, sent, error) = await call.ReadBodyAsync(IdentityAdminJson.Default.KeyWrite);
        if (!await call.PassesAsync(error))
        {
            return;
        }

        var now = time.GetUtcNow();
        var secret = KeySecrets.NewSecret(secrets);
        var blank = new StoredKey
        {
            Id = KeySecrets.NewId(secrets, What),
            Name = string.Empty,
            Hash = KeySecrets.Hash(secret),
            DisplayPrefix = KeySecrets.DisplayPrefix(secret),
            CreatedAt = now,
        };
        var key = KeyWrites.Apply(blank, write!, sent, now);
        if (!await call.PassesAsync(KeyWrites.Expiry(write!, sent, now) ?? AdminValidation.Name(write!.Name, required: true) ?? await ValidateAsync(call, key)))
        {
            return;
        }

        var created = await keys.CreateAsync(key, call.Aborted);
        cache.Clear();
        if (await call.PassesAsync(AdminErrors.Of(created.Status, What, key.Id)))
        {
            await call.WriteAsync(KeyWrites.View(created.Value!, secret), IdentityAdminJson.Default.KeyView, created.Value!.Version, StatusCodes.Status201Created);
        }
    }

    private async Task ListAsync(AdminCall call)
    {
        var (limit, after, error) = call.Page();
        if (!await call.PassesAsync(error))
        {
            return;
        }

        var page = await keys.ListAsync(new KeyQuery(call.Query("user_id"), call.Query("team_id"), call.Query("organization_id"), after, limit), call.Aborted);
        var views = page.Items.Select(k => KeyWrites.View(k)).ToList();
        await call.WriteListAsync(new ListView<KeyView>("list", views, page.HasMore, views.FirstOrDefault()?.Id, views.LastOrDefault()?.Id), IdentityAdminJson.Default.ListViewKeyView);
    }

    private async Task GetAsync(AdminCall call)
    {
        if (await keys.GetAsync(call.RouteId, call.Aborted) is { } key)
        {
            await call.WriteAsync(KeyWrites.View(key), IdentityAdminJson.Default.KeyView, key.Version);
            return;
        }

        await AdminErrors.NotFound(What, call.RouteId).WriteAsync(call.Context.Response);
    }

    private async Task PatchAsync(AdminCall call)
    {
        var (write, sent, error) = await call.ReadBodyAsync(IdentityAdminJson.Default.KeyWrite);
        var (expected, badIfMatch) = call.IfMatch();
        if (!await call.PassesAsync(error ?? badIfMatch))
        {
            return;
        }

        var now = time.GetUtcNow();
        if (await keys.GetAsync(call.RouteId, call.Aborted) is not { } current)
        {
            await AdminErrors.NotFound(What, call.RouteId).WriteAsync(call.Context.Response);
            return;
        }

        var body = write!;
        var changed = KeyWrites.Apply(current, body, sent, now);
        var invalid = KeyWrites.Expiry(body, sent, now) ?? AdminValidation.Name(body.Name, required: sent.Contains("name")) ?? await ValidateAsync(call, changed);
        if (await call.PassesAsync(invalid))
        {
            await WriteResultAsync(call, await keys.ChangeAsync(call.RouteId, k => KeyWrites.Apply(k, body, sent, now), expected, call.Aborted));
        }
    }

    private async Task RevokeAsync(AdminCall call)
    {
        var (expected, badIfMatch) = call.IfMatch();
        if (await call.PassesAsync(badIfMatch))
        {
            await WriteResultAsync(call, await keys.RevokeAsync(call.RouteId, time.GetUtcNow(), expected, call.Aborted));
        }
    }

    private async Task RotateAsync(AdminCall call)
    {
        var (request, _, error) = await call.ReadBodyAsync(IdentityAdminJson.Default.RotateRequest, allowEmpty: true);
        var (expected, badIfMatch) = call.IfMatch();
        if (!await call.PassesAsync(error ?? badIfMatch
            ?? (request!.GraceSeconds is < 0 || request.GraceSeconds > MaxGrace.TotalSeconds
                ? AdminErrors.Invalid("grace_seconds", $"'grace_seconds' must be between 0 and {MaxGrace.TotalSeconds}.")
                : null)))
        {
            return;
        }

        if (await keys.GetAsync(call.RouteId, call.Aborted) is { RevokedAt: not null })
        {
            await new GatewayError(StatusCodes.Status409Conflict, $"The key '{call.RouteId}' is revoked; create a new one.", GatewayError.InvalidRequestType, "key_revoked")
                .WriteAsync(call.Context.Response);
            return;
        }

        var secret = KeySecrets.NewSecret(secrets);
        var graceEnd = time.GetUtcNow().AddSeconds(request!.GraceSeconds ?? 0);
        await WriteResultAsync(call, await keys.RotateAsync(call.RouteId, secret, graceEnd, expected, call.Aborted), secret);
    }

    private async Task WriteResultAsync(AdminCall call, Storage.StoreWrite<StoredKey> result, string? secret = null)
    {
        cache.Clear();
        if (await call.PassesAsync(AdminErrors.Of(result.Status, What, call.RouteId)))
        {
            await call.WriteAsync(KeyWrites.View(result.Value!, secret), IdentityAdminJson.Default.KeyView, result.Value!.Version);
        }
    }

    private async Task<GatewayError?> ValidateAsync(AdminCall call, StoredKey key) =>
        (KeyRoles.IsKnown(key.Role) ? null : AdminErrors.Invalid("role", "'role' must be 'user' or 'admin'."))
        ?? AdminValidation.Models(key.Models, call.Snapshot)
        ?? AdminValidation.Limits(key.Limits, call.Snapshot)
        ?? AdminValidation.Budget(key.Budget)
        ?? AdminValidation.Map(key.Metadata, "metadata")
        ?? AdminValidation.Map(key.Tags, "tags")
        ?? await AdminValidation.ChainAsync(directory, key.UserId, key.TeamId, key.OrganizationId, call.Aborted);
}
