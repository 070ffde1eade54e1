using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Auth;
using ServerlessGateway.Auth.Identity;
using ServerlessGateway.Configuration;
using ServerlessGateway.Contracts;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints;

/// <summary>GET /v1/models and /v1/models/{id}: the logical models this caller may use.</summary>
public static class ModelsEndpoints
{
    public static async Task ListAsync(HttpContext context, GatewayConfigStore config, TimeProvider time)
    {
        RequestIds.Assign(context, time);
        var snapshot = config.Current;
        if (await context.AuthenticateAsync(snapshot) is not { } caller)
        {
            return;
        }

        var models = snapshot.Models.Values
            .Where(m => m.IsServable && caller.MayUse(m.Name))
            .Select(m => Entry(m, snapshot))
            .Concat(AutoEntry(snapshot, caller) is { } auto ? [auto] : [])
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .ToList();
        await WriteJsonAsync(context, JsonSerializer.SerializeToUtf8Bytes(new ModelList("list", models), GatewayJsonContext.Default.ModelList));
    }

    public static async Task GetAsync(HttpContext context, string id, GatewayConfigStore config, TimeProvider time)
    {
        RequestIds.Assign(context, time);
        var snapshot = config.Current;
        if (await context.AuthenticateAsync(snapshot) is not { } caller)
        {
            return;
        }

        var entry = snapshot.Models.TryGetValue(id, out var model) && model.IsServable && caller.MayUse(id) ? Entry(model, snapshot)
            : AutoEntry(snapshot, caller) is { } auto && auto.Id == id ? auto
            : null;
        if (entry is null)
        {
            var names = snapshot.Models.Keys.Concat(snapshot.Selection.ExtraModelNames);
            await GatewayError.ModelNotFound(id, names.Where(caller.MayUse).Order(StringComparer.Ordinal)).WriteAsync(context.Response);
            return;
        }

        await WriteJsonAsync(context, JsonSerializer.SerializeToUtf8Bytes(entry, GatewayJsonContext.Default.ModelEntry));
    }

    private static ModelEntry Entry(LogicalModel model, GatewaySnapshot snapshot) =>
        new(model.Name, "model", snapshot.LoadedAt.ToUnixTimeSeconds(), model.OwnedBy);

    /// <summary>The auto model, for a caller allowed it while some tier can be served.</summary>
    private static ModelEntry? AutoEntry(GatewaySnapshot snapshot, CallerIdentity caller) =>
        snapshot.Selection.Auto is { } auto && caller.MayUse(auto.ModelName) && auto.IsServable(snapshot.Models)
            ? new ModelEntry(auto.ModelName, "model", snapshot.LoadedAt.ToUnixTimeSeconds(), "serverless-gateway")
            : null;

    internal static Task WriteJsonAsync(HttpContext context, byte[] json, int status = StatusCodes.Status200OK) =>
        JsonResponse.WriteAsync(context.Response, status, json);
}
