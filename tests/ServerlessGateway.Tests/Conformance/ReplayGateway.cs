using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Conformance;

/// <summary>
/// One gateway and one fake upstream shared by a test class (xunit runs a class's tests one at a
/// time): each replay points the upstream at a recording and calls the gateway as a client would.
/// OpenAI and Ollama recordings go through an openai-compatible provider, Azure ones through an
/// azure-openai provider with the classic /openai/deployments/{name} URL shape.
/// </summary>
public sealed class ReplayGateway : UpstreamAndGateway
{
    public const string OpenAIModel = "replay-openai";
    public const string AzureModel = "replay-azure";
    public const string AzureDeployment = "gpt-4o-mini";

    protected override JsonObject Configure(string upstreamBaseUrl)
    {
        var config = GatewayHost.Config((OpenAIModel, upstreamBaseUrl));
        var settings = config["Gateway"]!;
        settings["Providers"]!["azure"] = new JsonObject
        {
            ["Type"] = "azure-openai",
            ["Endpoint"] = upstreamBaseUrl,
            ["ApiShape"] = "deployments",
            ["ApiKey"] = "k",
            ["TimeoutSeconds"] = 5,
        };
        settings["Models"]![AzureModel] = GatewayHost.Deployments(("azure", AzureDeployment));
        return config;
    }

    /// <summary>Serves the recording from the upstream and returns what the gateway answered.</summary>
    internal async Task<ReplayOutput> ReplayAsync(Recording recording, bool includeUsage = false)
    {
        Upstream.Handler = context => ServeAsync(context, recording);
        var model = recording.IsAzure ? AzureModel : OpenAIModel;
        var (path, body) = recording.Kind == RecordingKind.Embeddings
            ? ("/v1/embeddings", $$"""{"model":"{{model}}","input":["first input","second input"]}""")
            : ("/v1/chat/completions", ChatBody(model, recording.RequestStreamed, includeUsage));
        using var response = await Gateway.Client.PostAsync(path, Json.Body(body));
        return new ReplayOutput(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsByteArrayAsync(),
            Upstream.LastRequest);
    }

    private static string ChatBody(string model, bool stream, bool includeUsage)
    {
        var body = $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Replay the recording."}]""";
        if (stream)
        {
            body += includeUsage ? ""","stream":true,"stream_options":{"include_usage":true}""" : ""","stream":true""";
        }

        return body + "}";
    }

    private static async Task ServeAsync(HttpContext context, Recording recording)
    {
        context.Response.StatusCode = recording.Status;
        context.Response.ContentType = recording.ContentType;
        await context.Response.Body.WriteAsync(recording.Body);
    }
}

/// <summary>The gateway's answer to a replay, and the request the upstream received.</summary>
internal sealed record ReplayOutput(int Status, string? MediaType, byte[] Body, RecordedRequest UpstreamRequest)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}
