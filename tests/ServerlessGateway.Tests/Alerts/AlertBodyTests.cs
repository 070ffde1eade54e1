using System.Text;
using System.Text.Json;
using ServerlessGateway.Alerts;

namespace ServerlessGateway.Tests.Alerts;

public sealed class AlertBodyTests
{
    [Fact]
    public void Json_body_is_the_generic_snake_case_alert()
    {
        using var body = Parse("json");
        var root = body.RootElement;

        Assert.Equal("budget_alert", root.GetProperty("type").GetString());
        Assert.Equal(AlertTestKit.Alert.Id, root.GetProperty("id").GetString());
        Assert.Equal("team:research", root.GetProperty("scope").GetString());
        Assert.Equal("2025-06", root.GetProperty("window").GetProperty("id").GetString());
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), root.GetProperty("window").GetProperty("start").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero), root.GetProperty("window").GetProperty("end").GetDateTimeOffset());
        Assert.Equal(0.8m, root.GetProperty("threshold").GetDecimal());
        Assert.Equal(80.125m, root.GetProperty("spent_usd").GetDecimal());
        Assert.Equal(100m, root.GetProperty("budget_usd").GetDecimal());
        Assert.Equal(AlertTestKit.Alert.At, root.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public void Slack_body_is_a_single_text_field()
    {
        using var body = Parse("slack");

        var property = Assert.Single(body.RootElement.EnumerateObject());
        Assert.Equal("text", property.Name);
        Assert.Equal("Budget alert: team:research crossed 80% of its budget in window 2025-06: $80.125 spent of $100.00.", property.Value.GetString());
    }

    [Fact]
    public void Teams_body_is_a_message_with_an_adaptive_card()
    {
        using var body = Parse("teams");
        var root = body.RootElement;

        Assert.Equal("message", root.GetProperty("type").GetString());
        var attachment = Assert.Single(root.GetProperty("attachments").EnumerateArray());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        Assert.Equal(JsonValueKind.Null, attachment.GetProperty("contentUrl").ValueKind);
        var card = attachment.GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", card.GetProperty("$schema").GetString());
        Assert.Equal("1.4", card.GetProperty("version").GetString());
        var facts = card.GetProperty("body").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "FactSet").GetProperty("facts");
        Assert.Contains(facts.EnumerateArray(), f => f.GetProperty("title").GetString() == "Spent" && f.GetProperty("value").GetString() == "$80.125");
        Assert.Contains(facts.EnumerateArray(), f => f.GetProperty("title").GetString() == "Threshold" && f.GetProperty("value").GetString() == "80%");
    }

    private static JsonDocument Parse(string format) => JsonDocument.Parse(Encoding.UTF8.GetString(AlertBodies.For(format, AlertTestKit.Alert)));
}
