using ServerlessGateway.Configuration;

namespace ServerlessGateway.Alerts;

/// <summary>The formats a budget-alert webhook can receive.</summary>
public static class WebhookFormats
{
    /// <summary>The gateway's own JSON body (type "budget_alert").</summary>
    public const string Json = "json";

    /// <summary>Slack incoming webhooks: {"text": "..."}.</summary>
    public const string Slack = "slack";

    /// <summary>Teams incoming webhooks and Workflows: a message carrying an Adaptive Card.</summary>
    public const string Teams = "teams";

    public static readonly IReadOnlyList<string> All = [Json, Slack, Teams];
}

/// <summary>Checks Gateway:Governance:Alerts when the configuration is built, every problem listed.</summary>
public static class WebhookValidation
{
    public static void Validate(AlertOptions alerts, List<string> errors)
    {
        for (var i = 0; i < alerts.Webhooks.Count; i++)
        {
            var webhook = alerts.Webhooks[i];
            var where = $"Gateway:Governance:Alerts:Webhooks:{i}";
            if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                errors.Add($"{where}:Url must be an absolute http or https URL; it is '{webhook.Url}'.");
            }

            if (webhook.Format is null || !WebhookFormats.All.Contains(webhook.Format))
            {
                errors.Add($"{where}:Format must be one of {string.Join(", ", WebhookFormats.All)}; it is '{webhook.Format}'.");
            }
        }
    }
}
