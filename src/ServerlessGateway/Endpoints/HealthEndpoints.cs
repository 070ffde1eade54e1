using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Configuration;
using ServerlessGateway.Contracts;

namespace ServerlessGateway.Endpoints;

/// <summary>Liveness (the process answers) and readiness (the configuration can serve requests).</summary>
public static class HealthEndpoints
{
    private static readonly byte[] Alive = JsonSerializer.SerializeToUtf8Bytes(new HealthReport("ok"), GatewayJsonContext.Default.HealthReport);

    public static Task LiveAsync(HttpContext context) => ModelsEndpoints.WriteJsonAsync(context, Alive);

    /// <summary>
    /// 200 "ready" when every model can be served, 200 "degraded" when some deployments are switched off by
    /// configuration problems (listed), 503 "not_ready" when no model can be served at all.
    /// </summary>
    public static Task ReadyAsync(HttpContext context, GatewayConfigStore config, LedgerStats ledger)
    {
        var snapshot = config.Current;
        IReadOnlyList<string> problems = [.. snapshot.Problems, .. LedgerProblems(ledger)];
        var models = snapshot.Models.Values
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => new ModelHealth(m.Name, m.IsServable, m.Deployments.Select(d => d.Name).ToList(), m.Disabled.Select(d => d.Name).ToList()))
            .ToList();
        var anyServable = models.Any(m => m.Servable);
        var status = !anyServable ? "not_ready" : problems.Count > 0 ? "degraded" : "ready";
        var report = new HealthReport(status, snapshot.LoadedAt, models, problems);
        return ModelsEndpoints.WriteJsonAsync(
            context,
            JsonSerializer.SerializeToUtf8Bytes(report, GatewayJsonContext.Default.HealthReport),
            anyServable ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Spilled usage records mean the ledger's store is not keeping up: degraded until they are written.</summary>
    private static IEnumerable<string> LedgerProblems(LedgerStats ledger)
    {
        if (ledger.SpillPending > 0)
        {
            yield return $"Usage ledger: {ledger.SpillPending} records spilled to disk are waiting for the usage store ({ledger.OverflowTotal} overflowed since start).";
        }

        if (ledger.LostTotal > 0)
        {
            yield return $"Usage ledger: {ledger.LostTotal} records were lost because the spill file could not be written.";
        }
    }
}
