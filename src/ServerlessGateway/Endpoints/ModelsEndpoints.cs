using System.Text.Json;
using Microsoft.AspNetCore.Http;
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
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => Entry(m, snapshot))
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

        if (!snapshot.Models.TryGetValue(id, out var model) || !model.IsServable || !caller.MayUse(id))
        {
            await GatewayError.ModelNotFound(id, snapshot.Models.Keys.Where(caller.MayUse).Order(StringComparer.Ordinal)).WriteAsync(context.Response);
            return;
        }

        await WriteJsonAsync(context, JsonSerializer.SerializeToUtf8Bytes(Entry(model, snapshot), GatewayJsonContext.Default.ModelEntry));
    }

    private static ModelEntry Entry(LogicalModel model, GatewaySnapshot snapshot) =>
        new(model.Name, "model", snapshot.LoadedAt.ToUnixTimeSeconds(), model.OwnedBy);

    internal static Task WriteJsonAsync(HttpContext context, byte[] json, int status = StatusCodes.Status200OK) =>
        JsonResponse.WriteAsync(context.Response, status, json);
}
