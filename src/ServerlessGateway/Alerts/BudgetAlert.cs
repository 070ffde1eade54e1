namespace ServerlessGateway.Alerts;

/// <summary>A budget crossed a threshold (0.5, 0.8, 0.95, 1.0…) in a window. One per (scope, window, threshold).</summary>
public sealed record BudgetAlert(
    string Scope,
    string WindowId,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    decimal Threshold,
    decimal SpentUsd,
    decimal BudgetUsd,
    DateTimeOffset At)
{
    /// <summary>The deduplication key: the same alert is delivered once per window.</summary>
    public string Id => $"{Scope}|{WindowId}|{Threshold:0.####}";
}

/// <summary>Delivers alerts (webhooks here; Service Bus in Azure). Must not block the caller: queue and retry inside.</summary>
public interface IAlertPublisher
{
    void Publish(BudgetAlert alert);
}
