using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Caching;
using ServerlessGateway.Caching.Stores;
using ServerlessGateway.Endpoints.Admin.Identity;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints.Admin.Cache;

/// <summary>
/// GET /admin/cache/stats (admin key only): hit and miss counts since start, shadow mode's agreement (the semantic
/// layer's measured false-hit rate on real traffic), guard refusals, and the store's and index's sizes.
/// </summary>
public static class CacheAdminEndpoints
{
    public static IEndpointRouteBuilder MapCacheAdmin(this IEndpointRouteBuilder app)
    {
        var stats = app.ServiceProvider.GetRequiredService<CacheStats>();
        var store = app.ServiceProvider.GetRequiredService<ICacheStore>();
        var semantic = app.ServiceProvider.GetRequiredService<SemanticCache>();
        app.MapAdmin("GET", "/cache/stats", call =>
        {
            var caching = call.Snapshot.Caching;
            var report = new CacheReport(
                caching.Enabled, caching.Store, caching.Semantic.Mode, caching.Semantic.Embedder, caching.Semantic.Threshold,
                stats.View(), store.Stats, semantic.Index.Count);
            return JsonResponse.WriteAsync(call.Context.Response, StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(report, CacheAdminJsonContext.Default.CacheReport));
        });
        return app;
    }
}

public sealed record CacheReport(
    bool Enabled, string Store, string SemanticMode, string Embedder, double Threshold, CacheStatsView Counters, CacheStoreStats StoreStats, int IndexedEntries);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CacheReport))]
internal sealed partial class CacheAdminJsonContext : JsonSerializerContext;
