using ServerlessGateway.Accounting.Ledger.Rollups;

namespace ServerlessGateway.Jobs;

/// <summary>
/// Brings the spend roll-ups up to date with the stored records. Free of timer concerns: the local timer
/// (<see cref="SpendRollupTimer"/>), the admin route and the Azure Functions timer trigger all call <see cref="RunAsync"/>.
/// Idempotent and safe to run concurrently (the store folds each record in exactly once: sums and watermark move in one transaction).
/// </summary>
public sealed partial class SpendRollupJob(ISpendRollupStore store, ILogger<SpendRollupJob> logger)
{
    public async Task<RollupResult> RunAsync(CancellationToken cancellationToken)
    {
        var result = await store.RollUpAsync(cancellationToken);
        if (result.NewRecords > 0)
        {
            LogRolledUp(logger, result.NewRecords, result.HourBuckets, result.DayBuckets, result.Watermark);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Spend roll-up: {Records} new records, {Hours} hour and {Days} day buckets updated, watermark {Watermark}.")]
    private static partial void LogRolledUp(ILogger logger, long records, int hours, int days, long watermark);
}
