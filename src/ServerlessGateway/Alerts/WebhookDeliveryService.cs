using System.Collections.Concurrent;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Alerts;

/// <summary>
/// Delivers queued alerts to every webhook configured now (Gateway:Governance:Alerts:Webhooks, read per
/// alert so a reload applies). Each (alert, webhook) pair that succeeded is remembered, so an alert
/// published again after a partial failure reaches only the webhooks that missed it.
/// </summary>
public sealed partial class WebhookDeliveryService : BackgroundService
{
    private readonly WebhookAlertPublisher publisher;
    private readonly WebhookSender sender;
    private readonly Func<IReadOnlyList<WebhookOptions>> webhooks;
    private readonly ILogger logger;

    public WebhookDeliveryService(WebhookAlertPublisher publisher, WebhookSender sender, GatewayConfigStore config, ILogger<WebhookDeliveryService> logger)
        : this(publisher, sender, () => config.Current.Governance.Alerts.Webhooks, logger)
    {
    }

    internal WebhookDeliveryService(WebhookAlertPublisher publisher, WebhookSender sender, Func<IReadOnlyList<WebhookOptions>> webhooks, ILogger logger)
    {
        this.publisher = publisher;
        this.sender = sender;
        this.webhooks = webhooks;
        this.logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alert in publisher.Reader.ReadAllAsync(stoppingToken))
            {
                LogAlert(logger, alert.Scope, alert.Threshold * 100, alert.SpentUsd, alert.BudgetUsd, alert.WindowId);
                var results = await Task.WhenAll(webhooks().Select(webhook => DeliverAsync(webhook, alert, stoppingToken)));
                publisher.Finished(alert, delivered: results.All(ok => ok));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; alerts still queued are lost with the process (the ledger keeps the crossing).
        }
    }

    private async Task<bool> DeliverAsync(WebhookOptions webhook, BudgetAlert alert, CancellationToken cancellationToken)
    {
        try
        {
            return await sender.SendAsync(webhook, alert, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A surprise here must not end the service (an unhandled BackgroundService error stops the host).
            LogDeliveryFailed(logger, alert.Id, ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Budget alert: {Scope} reached {Percent:0.##}% of its budget ({SpentUsd} of {BudgetUsd} USD) in window {WindowId}.")]
    private static partial void LogAlert(ILogger logger, string scope, decimal percent, decimal spentUsd, decimal budgetUsd, string windowId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Budget alert {AlertId} could not be delivered")]
    private static partial void LogDeliveryFailed(ILogger logger, string alertId, Exception exception);
}
