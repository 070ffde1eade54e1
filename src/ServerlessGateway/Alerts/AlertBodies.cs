using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessGateway.Alerts;

/// <summary>The request body a webhook of each format receives for one alert.</summary>
public static class AlertBodies
{
    public static byte[] For(string format, BudgetAlert alert) => format switch
    {
        WebhookFormats.Slack => JsonSerializer.SerializeToUtf8Bytes(new SlackMessage(Sentence(alert)), AlertJsonContext.Default.SlackMessage),
        WebhookFormats.Teams => JsonSerializer.SerializeToUtf8Bytes(TeamsCard(alert), AlertJsonContext.Default.TeamsMessage),
        _ => JsonSerializer.SerializeToUtf8Bytes(Generic(alert), AlertJsonContext.Default.BudgetAlertBody),
    };

    public static BudgetAlertBody Generic(BudgetAlert alert) => new(
        "budget_alert",
        alert.Id,
        alert.Scope,
        new AlertWindowBody(alert.WindowId, alert.WindowStart, alert.WindowEnd),
        alert.Threshold,
        alert.SpentUsd,
        alert.BudgetUsd,
        alert.At);

    /// <summary>One line a person reads in a chat channel.</summary>
    public static string Sentence(BudgetAlert alert) => string.Create(
        CultureInfo.InvariantCulture,
        $"Budget alert: {alert.Scope} crossed {Percent(alert.Threshold)} of its budget in window {alert.WindowId}: ${alert.SpentUsd:0.00####} spent of ${alert.BudgetUsd:0.00##}.");

    private static TeamsMessage TeamsCard(BudgetAlert alert)
    {
        var facts = new List<CardFact>
        {
            new("Scope", alert.Scope),
            new("Threshold", Percent(alert.Threshold)),
            new("Spent", Usd(alert.SpentUsd)),
            new("Budget", Usd(alert.BudgetUsd)),
            new("Window", string.Create(CultureInfo.InvariantCulture, $"{alert.WindowId} ({alert.WindowStart:u} to {alert.WindowEnd:u})")),
        };
        var card = new AdaptiveCard(
            "http://adaptivecards.io/schemas/adaptive-card.json",
            "AdaptiveCard",
            "1.4",
            [
                new CardElement("TextBlock", Text: "Budget alert", Weight: "Bolder", Size: "Medium"),
                new CardElement("TextBlock", Text: Sentence(alert), Wrap: true),
                new CardElement("FactSet", Facts: facts),
            ]);
        return new TeamsMessage("message", [new TeamsAttachment("application/vnd.microsoft.card.adaptive", null, card)]);
    }

    private static string Percent(decimal fraction) => (fraction * 100m).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Usd(decimal usd) => "$" + usd.ToString("0.00####", CultureInfo.InvariantCulture);
}

public sealed record BudgetAlertBody(string Type, string Id, string Scope, AlertWindowBody Window, decimal Threshold, decimal SpentUsd, decimal BudgetUsd, DateTimeOffset At);

public sealed record AlertWindowBody(string Id, DateTimeOffset Start, DateTimeOffset End);

public sealed record SlackMessage(string Text);

// Teams' and Adaptive Cards' own (camelCase) names, whatever the context's policy.
public sealed record TeamsMessage([property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("attachments")] IReadOnlyList<TeamsAttachment> Attachments);

public sealed record TeamsAttachment(
    [property: JsonPropertyName("contentType")] string ContentType,
    [property: JsonPropertyName("contentUrl"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ContentUrl, // Teams' samples send null
    [property: JsonPropertyName("content")] AdaptiveCard Content);

public sealed record AdaptiveCard(
    [property: JsonPropertyName("$schema")] string Schema,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("body")] IReadOnlyList<CardElement> Body);

public sealed record CardElement(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] string? Text = null,
    [property: JsonPropertyName("weight")] string? Weight = null,
    [property: JsonPropertyName("size")] string? Size = null,
    [property: JsonPropertyName("wrap")] bool? Wrap = null,
    [property: JsonPropertyName("facts")] IReadOnlyList<CardFact>? Facts = null);

public sealed record CardFact([property: JsonPropertyName("title")] string Title, [property: JsonPropertyName("value")] string Value);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BudgetAlertBody))]
[JsonSerializable(typeof(SlackMessage))]
[JsonSerializable(typeof(TeamsMessage))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
