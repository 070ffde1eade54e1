using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Configuration;
using ServerlessGateway.Endpoints.Admin.Identity;
using ServerlessGateway.Jobs;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints.Admin.Jobs;

/// <summary>
/// Runs the health probe job on demand (POST /admin/jobs/health-probe, admin key only, whether or not timers are
/// enabled) and, under the Azure Functions host, when the health-probe function's timer fires.
/// </summary>
public static class HealthProbeEndpoints
{
    /// <summary>The timer function's folder name: the host invokes a custom handler's non-HTTP function at POST /{name}.</summary>
    public const string FunctionName = "health-probe";

    public static IEndpointRouteBuilder MapHealthProbeJob(this IEndpointRouteBuilder app)
    {
        var job = app.ServiceProvider.GetRequiredService<HealthProbeJob>();
        app.MapAdmin("POST", "/jobs/health-probe", async call =>
        {
            var report = await job.RunAsync(call.Context.RequestAborted);
            await WriteAsync(call.Context, JsonSerializer.SerializeToUtf8Bytes(HealthProbeReport.From(report), JobJsonContext.Default.HealthProbeReport));
        });

        // Only the host can call this route: under it the app listens on loopback, and no HTTP function's route
        // (function.json) leads here. Standalone it does not exist, so it cannot be used to run probes without a key.
        if (app.ServiceProvider.GetRequiredService<EnvironmentReferences>().IsFunctionsHost())
        {
            app.MapPost("/" + FunctionName, TimerFiredAsync);
        }

        return app;
    }

    private static async Task TimerFiredAsync(HttpContext context, GatewayConfigStore config, HealthProbeJob job)
    {
        string log;
        if (!config.Current.Probes.Enabled)
        {
            log = "Health probes are switched off (Gateway:Probes:Enabled).";
        }
        else
        {
            var report = await job.RunAsync(context.RequestAborted);
            var unhealthy = report.Results.Where(r => !r.Result.Healthy).Select(r => $"{r.Target.Deployment.Name} ({r.Result.Reason})").ToList();
            log = $"Health probes: {report.Results.Count} deployments probed, {unhealthy.Count} unhealthy{(unhealthy.Count > 0 ? ": " + string.Join("; ", unhealthy) : ".")}";
        }

        var answer = new FunctionInvocationResult(new Dictionary<string, string>(), [log], null);
        await WriteAsync(context, JsonSerializer.SerializeToUtf8Bytes(answer, JobJsonContext.Default.FunctionInvocationResult));
    }

    private static Task WriteAsync(HttpContext context, byte[] json) => JsonResponse.WriteAsync(context.Response, StatusCodes.Status200OK, json);
}
