using ServerlessGateway.Accounting.Ledger.Rollups;

namespace ServerlessGateway.Endpoints.Admin.Reports;

/// <summary>Sums roll-up rows into report rows: one per bucket (none for "total") and combination of the grouped dimensions.</summary>
internal static class SpendReportBuilder
{
    public static List<SpendReportRow> Build(IEnumerable<SpendRollupRow> rows, IReadOnlyList<string> groupBy, bool total)
    {
        var sums = new Dictionary<string, (DateTimeOffset? Bucket, string[] Values, SpendTotals Totals)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var values = groupBy.Select(d => Value(row.Dimensions, d)).ToArray();
            DateTimeOffset? bucket = total ? null : row.BucketStart;
            var key = string.Join('\u001f', values.Prepend(bucket?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""));
            sums[key] = sums.TryGetValue(key, out var sum) ? (bucket, values, sum.Totals + row.Totals) : (bucket, values, row.Totals);
        }

        return [.. sums.Values
            .OrderBy(s => s.Bucket)
            .ThenBy(s => string.Join('\u001f', s.Values), StringComparer.Ordinal)
            .Select(s => new SpendReportRow(
                groupBy.Select((d, i) => (d, s.Values[i])).ToDictionary(p => p.d, p => p.Item2.Length == 0 ? null : p.Item2, StringComparer.Ordinal),
                s.Bucket,
                s.Totals.Requests,
                s.Totals.InputTokens,
                s.Totals.CachedInputTokens,
                s.Totals.CacheWriteTokens,
                s.Totals.OutputTokens,
                s.Totals.ReasoningTokens,
                s.Totals.CostUsd))];
    }

    private static string Value(SpendDimensions d, string dimension) => dimension switch
    {
        "key" => d.KeyId,
        "user" => d.UserId,
        "team" => d.TeamId,
        "organization" => d.OrganizationId,
        "model" => d.Model,
        "requested_model" => d.RequestedModel,
        _ => d.Tag,
    };
}
