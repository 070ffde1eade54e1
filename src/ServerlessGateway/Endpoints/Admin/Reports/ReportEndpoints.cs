using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Accounting.Ledger.Rollups;
using ServerlessGateway.Configuration;
using ServerlessGateway.Jobs;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints.Admin.Reports;

/// <summary>
/// The ledger's admin routes (admin key only). Spend comes from the roll-ups, so it lags the records by at most the
/// roll-up interval (POST /admin/jobs/spend-rollup brings it up to date); usage and single requests read the records.
/// </summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapLedgerAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet(AdminAccess.RoutePrefix + "/spend", SpendAsync);
        app.MapGet(AdminAccess.RoutePrefix + "/usage", UsageAsync);
        app.MapGet(AdminAccess.RoutePrefix + "/requests/{requestId}", RequestAsync);
        app.MapGet(AdminAccess.RoutePrefix + "/ledger", StatusAsync);
        app.MapPost(AdminAccess.RoutePrefix + "/jobs/spend-rollup", RollupAsync);
        return app;
    }

    private static async Task SpendAsync(HttpContext context, GatewayConfigStore config, ISpendRollupStore rollups, TimeProvider time)
    {
        if (await AdminAccess.AuthorizeAsync(context, config.Current) is null)
        {
            return;
        }

        var query = new ReportQuery(context.Request.Query);
        var to = query.Time("to") ?? time.GetUtcNow();
        var from = query.Time("from") ?? to.AddDays(-30);
        query.Range(from, to);
        var groupBy = query.GroupBy();
        var granularity = query.Granularity();
        if (query.Error is { } error)
        {
            await error.WriteAsync(context.Response);
            return;
        }

        // "total" sums hour buckets: the finest, so from/to cut closest to what was asked.
        var source = granularity == "day" ? RollupGranularity.Day : RollupGranularity.Hour;
        var rows = await rollups.ReadRollupsAsync(new SpendRollupQuery(source, from, to, groupBy.Contains("tag")), context.RequestAborted);
        var report = new SpendReport("list", from, to, granularity, groupBy, SpendReportBuilder.Build(rows, groupBy, granularity == "total"));
        await WriteAsync(context, report, ReportJsonContext.Default.SpendReport);
    }

    private static async Task UsageAsync(HttpContext context, GatewayConfigStore config, IUsageStore store)
    {
        if (await AdminAccess.AuthorizeAsync(context, config.Current) is null)
        {
            return;
        }

        var query = new ReportQuery(context.Request.Query);
        var (from, to) = (query.Time("from"), query.Time("to"));
        query.Range(from, to);
        var limit = query.Integer("limit", 100, 1, 1000);
        UsageCursor? after = null;
        if (query.Text("cursor") is { } cursorText)
        {
            if (UsageCursor.TryParse(cursorText, out var cursor))
            {
                after = cursor;
            }
            else
            {
                query.Fail("'cursor' must be the next_cursor of a previous page.", "cursor");
            }
        }

        if (query.Error is { } error)
        {
            await error.WriteAsync(context.Response);
            return;
        }

        var page = await store.QueryAsync(
            new UsageQuery
            {
                From = from,
                To = to,
                KeyId = query.Text("key"),
                UserId = query.Text("user"),
                TeamId = query.Text("team"),
                OrganizationId = query.Text("organization"),
                Model = query.Text("model"),
                Limit = limit,
                After = after,
            },
            context.RequestAborted);
        var report = new UsageReport("list", [.. page.Records.Select(UsageRecordDocument.From)], page.Next is not null, page.Next?.ToString());
        await WriteAsync(context, report, ReportJsonContext.Default.UsageReport);
    }

    private static async Task RequestAsync(HttpContext context, string requestId, GatewayConfigStore config, IUsageStore store)
    {
        if (await AdminAccess.AuthorizeAsync(context, config.Current) is null)
        {
            return;
        }

        var records = await store.GetRequestAsync(requestId, context.RequestAborted);
        if (records.Count == 0)
        {
            await new GatewayError(
                StatusCodes.Status404NotFound,
                $"No usage is recorded for request '{requestId}' (records reach the store within about a second of the request).",
                GatewayError.InvalidRequestType,
                "request_not_found",
                "request_id").WriteAsync(context.Response);
            return;
        }

        await WriteAsync(context, new RequestReport("list", requestId, [.. records.Select(UsageRecordDocument.From)]), ReportJsonContext.Default.RequestReport);
    }

    private static async Task StatusAsync(HttpContext context, GatewayConfigStore config, LedgerStats stats)
    {
        if (await AdminAccess.AuthorizeAsync(context, config.Current) is not null)
        {
            await WriteAsync(context, stats.Snapshot(), ReportJsonContext.Default.LedgerStatus);
        }
    }

    private static async Task RollupAsync(HttpContext context, GatewayConfigStore config, SpendRollupJob job)
    {
        if (await AdminAccess.AuthorizeAsync(context, config.Current) is not null)
        {
            await WriteAsync(context, await job.RunAsync(context.RequestAborted), ReportJsonContext.Default.RollupResult);
        }
    }

    private static Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type) =>
        JsonResponse.WriteAsync(context.Response, StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(value, type));
}
