using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Auth.Directory;
using ServerlessGateway.Auth.Identity;
using ServerlessGateway.Auth.Keys;
using ServerlessGateway.Limits;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Storage;

namespace ServerlessGateway.Endpoints.Admin.Identity;

/// <summary>
/// /admin/organizations, /admin/teams and /admin/users: CRUD with limits, budgets and metadata. References are
/// checked (a team's organisation must exist) and nothing still referred to is deleted (409).
/// </summary>
public sealed class DirectoryEndpoints(ScopeLevel level, IDirectoryStore directory, IKeyStore keys, IdentityCache cache, ISecretGenerator secrets, TimeProvider time)
{
    private readonly string what = new ScopeRef(level, string.Empty).LevelName;

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var (level, segment) in new[] { (ScopeLevel.Organization, "/organizations"), (ScopeLevel.Team, "/teams"), (ScopeLevel.User, "/users") })
        {
            var endpoints = ActivatorUtilities.CreateInstance<DirectoryEndpoints>(app.ServiceProvider, level);
            app.MapAdmin(HttpMethods.Post, segment, endpoints.CreateAsync);
            app.MapAdmin(HttpMethods.Get, segment, endpoints.ListAsync);
            app.MapAdmin(HttpMethods.Get, segment + "/{id}", endpoints.GetAsync);
            app.MapAdmin(HttpMethods.Patch, segment + "/{id}", endpoints.PatchAsync);
            app.MapAdmin(HttpMethods.Delete, segment + "/{id}", endpoints.DeleteAsync);
        }
    }

    private async Task CreateAsync(AdminCall call)
    {
        var (write, sent, error) = await call.ReadBodyAsync(IdentityAdminJson.Default.DirectoryWrite);
        if (!await call.PassesAsync(error ?? (write!.Id is null ? null : AdminValidation.Id(write.Id))))
        {
            return;
        }

        var blank = new DirectoryEntry { Level = level, Id = write!.Id ?? KeySecrets.NewId(secrets, IdPrefix), CreatedAt = time.GetUtcNow() };
        var entry = Apply(blank, write, sent);
        if (await call.PassesAsync(await ValidateAsync(call, entry, sent)))
        {
            var created = await directory.CreateAsync(entry, call.Aborted);
            await WriteResultAsync(call, created, entry.Id, StatusCodes.Status201Created);
        }
    }

    private async Task ListAsync(AdminCall call)
    {
        var (limit, after, error) = call.Page();
        if (!await call.PassesAsync(error))
        {
            return;
        }

        var page = await directory.ListAsync(new DirectoryQuery(level, call.Query("organization_id"), call.Query("team_id"), after, limit), call.Aborted);
        var views = page.Items.Select(View).ToList();
        await call.WriteListAsync(new ListView<DirectoryView>("list", views, page.HasMore, views.FirstOrDefault()?.Id, views.LastOrDefault()?.Id), IdentityAdminJson.Default.ListViewDirectoryView);
    }

    private async Task GetAsync(AdminCall call)
    {
        if (await directory.GetAsync(level, call.RouteId, call.Aborted) is { } entry)
        {
            await call.WriteAsync(View(entry), IdentityAdminJson.Default.DirectoryView, entry.Version);
            return;
        }

        await AdminErrors.NotFound(what, call.RouteId).WriteAsync(call.Context.Response);
    }

    private async Task PatchAsync(AdminCall call)
    {
        var (write, sent, error) = await call.ReadBodyAsync(IdentityAdminJson.Default.DirectoryWrite);
        var (expected, badIfMatch) = call.IfMatch();
        var renamed = write?.Id is { } id && id != call.RouteId ? AdminErrors.Invalid("id", "An id cannot be changed.") : null;
        if (!await call.PassesAsync(error ?? badIfMatch ?? renamed))
        {
            return;
        }

        if (await directory.GetAsync(level, call.RouteId, call.Aborted) is not { } current)
        {
            await AdminErrors.NotFound(what, call.RouteId).WriteAsync(call.Context.Response);
            return;
        }

        var body = write!;
        if (await call.PassesAsync(await ValidateAsync(call, Apply(current, body, sent), sent)))
        {
            var result = await ConditionalUpdate.ApplyAsync(
                ct => directory.GetAsync(level, call.RouteId, ct), e => e.Version, (e, v, ct) => directory.UpdateAsync(e, v, ct), e => Apply(e, body, sent), expected, call.Aborted);
            await WriteResultAsync(call, result, call.RouteId);
        }
    }

    private async Task DeleteAsync(AdminCall call)
    {
        var (expected, badIfMatch) = call.IfMatch();
        if (!await call.PassesAsync(badIfMatch) || !await call.PassesAsync(await StillUsedAsync(call.RouteId, call.Aborted)))
        {
            return;
        }

        var status = await directory.DeleteAsync(level, call.RouteId, expected, call.Aborted);
        cache.Clear();
        if (await call.PassesAsync(AdminErrors.Of(status, what, call.RouteId)))
        {
            call.Context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
    }

    /// <summary>Teams and users of an organisation, users of a team, keys of any of them: a 409 naming what is left.</summary>
    private async Task<GatewayError?> StillUsedAsync(string id, CancellationToken cancellationToken)
    {
        var (org, team, user) = level switch
        {
            ScopeLevel.Organization => (id, (string?)null, (string?)null),
            ScopeLevel.Team => (null, id, null),
            _ => ((string?)null, (string?)null, id),
        };
        if (level == ScopeLevel.Organization && (await directory.ListAsync(new DirectoryQuery(ScopeLevel.Team, OrganizationId: id, Limit: 1), cancellationToken)).Items.Count > 0)
        {
            return AdminErrors.InUse(what, id, "teams");
        }

        if (level != ScopeLevel.User && (await directory.ListAsync(new DirectoryQuery(ScopeLevel.User, org, team, Limit: 1), cancellationToken)).Items.Count > 0)
        {
            return AdminErrors.InUse(what, id, "users");
        }

        return await HasLiveKeyAsync(user, team, org, cancellationToken) ? AdminErrors.InUse(what, id, "keys") : null;
    }

    /// <summary>Revoked keys are kept (for the ledger's sake) but do not hold their user, team or organisation in place.</summary>
    private async Task<bool> HasLiveKeyAsync(string? user, string? team, string? org, CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = await keys.ListAsync(new KeyQuery(user, team, org, after, Limit: 500), cancellationToken);
            if (page.Items.Any(k => k.RevokedAt is null))
            {
                return true;
            }

            if (!page.HasMore || page.Items.Count == 0)
            {
                return false;
            }

            after = page.Items[^1].Id;
        }
    }

    private async Task WriteResultAsync(AdminCall call, StoreWrite<DirectoryEntry> result, string id, int status = StatusCodes.Status200OK)
    {
        cache.Clear();
        if (await call.PassesAsync(AdminErrors.Of(result.Status, what, id)))
        {
            await call.WriteAsync(View(result.Value!), IdentityAdminJson.Default.DirectoryView, result.Value!.Version, status);
        }
    }

    private async Task<GatewayError?> ValidateAsync(AdminCall call, DirectoryEntry entry, HashSet<string> sent) =>
        (level != ScopeLevel.User && entry.TeamId is not null ? AdminErrors.Invalid("team_id", $"A {what} does not belong to a team.") : null)
        ?? (level == ScopeLevel.Organization && entry.OrganizationId is not null ? AdminErrors.Invalid("organization_id", "An organization does not belong to another.") : null)
        ?? AdminValidation.Name(entry.Name, required: false)
        ?? (sent.Contains("organization_id") && entry.OrganizationId is { } org ? AdminValidation.Id(org, "organization_id") : null)
        ?? AdminValidation.Limits(entry.Limits, call.Snapshot)
        ?? AdminValidation.Budget(entry.Budget)
        ?? AdminValidation.Map(entry.Metadata, "metadata")
        ?? await AdminValidation.ChainAsync(directory, null, entry.TeamId, entry.OrganizationId, call.Aborted);

    private string IdPrefix => level == ScopeLevel.Organization ? "org" : what;

    private static DirectoryEntry Apply(DirectoryEntry entry, DirectoryWrite write, HashSet<string> sent) => entry with
    {
        Name = sent.Contains("name") ? write.Name : entry.Name,
        OrganizationId = sent.Contains("organization_id") ? write.OrganizationId : entry.OrganizationId,
        TeamId = sent.Contains("team_id") ? write.TeamId : entry.TeamId,
        Limits = sent.Contains("limits") ? write.Limits : entry.Limits,
        Budget = sent.Contains("budget") ? write.Budget : entry.Budget,
        Metadata = sent.Contains("metadata") ? write.Metadata ?? [] : entry.Metadata,
    };

    private DirectoryView View(DirectoryEntry e) =>
        new(e.Id, what, e.Name, e.OrganizationId, e.TeamId, e.Limits, e.Budget, e.Metadata, e.CreatedAt.ToUnixTimeSeconds(), e.Version);
}
