namespace ServerlessGateway.Alerts;

/// <summary>The fallback publisher when no webhook publisher is registered: the alert is logged as a warning.</summary>
public sealed partial class LoggingAlertPublisher(ILogger<LoggingAlertPublisher> logger) : IAlertPublisher
{
    public void Publish(BudgetAlert alert) =>
        LogAlert(logger, alert.Scope, alert.Threshold * 100, alert.SpentUsd, alert.BudgetUsd, alert.WindowId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Budget alert: {Scope} reached {Percent:0.##}% of its budget ({SpentUsd} of {BudgetUsd} USD) in window {WindowId}.")]
    private static partial void LogAlert(ILogger logger, string scope, decimal percent, decimal spentUsd, decimal budgetUsd, string windowId);
}
