using ServerlessGateway.Alerts;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Accounting.Ledger;

/// <summary>
/// After each stored batch: every configured threshold a budget window's spend has reached becomes an alert, sent
/// once — the store's insert-or-ignore mark decides which writer (of any process, before or after a restart) sends it.
/// </summary>
/// <param name="policy">The current budget policy (read per batch: thresholds are reloadable).</param>
public sealed partial class BudgetAlertEvaluator(IUsageStore store, IAlertPublisher publisher, Func<BudgetPolicyOptions> policy, TimeProvider time, ILogger<BudgetAlertEvaluator> logger)
{
    public async Task<int> EvaluateAsync(IReadOnlyList<BudgetSpend> totals, CancellationToken cancellationToken)
    {
        var thresholds = policy().AlertThresholds.Where(t => t > 0).Distinct().Order().ToList();
        var sent = 0;
        foreach (var spend in totals)
        {
            if (spend.MaxUsd <= 0)
            {
                continue;
            }

            foreach (var threshold in thresholds.Where(t => spend.SpentUsd >= t * spend.MaxUsd))
            {
                var alert = new BudgetAlert(spend.Scope, spend.WindowId, spend.WindowStart, spend.WindowEnd, threshold, spend.SpentUsd, spend.MaxUsd, time.GetUtcNow());
                if (!await store.TryMarkAlertAsync(alert.Id, alert.At, cancellationToken))
                {
                    continue;
                }

                try
                {
                    publisher.Publish(alert);
                    sent++;
                }
                catch (Exception ex) // a publisher bug must not stop the ledger; the mark stays, so this alert is not retried
                {
                    LogPublishFailed(logger, ex, alert.Id);
                }
            }
        }

        return sent;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Budget alert {AlertId} could not be handed to the alert publisher.")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string alertId);
}
