using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Anthropic;

/// <summary>
/// One gateway with an Anthropic model on one fake upstream, shared by a test class: each replay makes
/// the upstream serve recorded Anthropic answers (in order, one per request) at /v1/messages.
/// The model "replay-failover" has three deployments on the same upstream, to replay a recorded
/// sequence of failures and the answer that followed.
/// </summary>
public sealed class AnthropicReplayGateway : UpstreamAndGateway
{
    public const string Model = "replay-anthropic";
    public const string FailoverModel = "replay-failover";
    public const string UpstreamModel = "claude-haiku-4-5";

    protected override JsonObject Configure(string upstreamBaseUrl)
    {
        var config = AnthropicTestWire.WithAnthropic(GatewayHost.Config(), upstreamBaseUrl, Model, upstreamModel: UpstreamModel);
        config["Gateway"]!["Models"]![FailoverModel] = GatewayHost.Deployments(("anthropic", "first"), ("anthropic", "second"), ("anthropic", "third"));
        return config;
    }

    /// <summary>Serves <paramref name="answers"/> one per request, and posts <paramref name="body"/> to the gateway.</summary>
    internal async Task<ReplayResult> ReplayAsync(string body, params AnthropicRecordings.Exchange[] answers)
    {
        var next = 0;
        var before = Upstream.Requests.Count;
        Upstream.Handler = context => ServeAsync(context, answers[Math.Min(Interlocked.Increment(ref next) - 1, answers.Length - 1)]);
        using var response = await Gateway.Client.PostAsync("/v1/chat/completions", Json.Body(body));
        return new ReplayResult(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            response.Headers.TryGetValues("x-gateway-attempts", out var attempts) ? int.Parse(attempts.Single(), System.Globalization.CultureInfo.InvariantCulture) : 0,
            response.Headers.RetryAfter?.Delta,
            await response.Content.ReadAsByteArrayAsync(),
            Upstream.Requests.Skip(before).ToList());
    }

    public static string ChatBody(string model, bool stream, bool includeUsage = false) =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Replay the recording."}]{{(stream ? includeUsage ? ""","stream":true,"stream_options":{"include_usage":true}""" : ""","stream":true""" : "")}}}""";

    private static async Task ServeAsync(HttpContext context, AnthropicRecordings.Exchange answer)
    {
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        await context.Response.Body.WriteAsync(answer.Body);
    }
}

/// <summary>What the gateway answered to a replay, and the requests the upstream received for it.</summary>
internal sealed record ReplayResult(int Status, string? MediaType, int Attempts, TimeSpan? RetryAfter, byte[] Body, IReadOnlyList<RecordedRequest> UpstreamRequests)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}
