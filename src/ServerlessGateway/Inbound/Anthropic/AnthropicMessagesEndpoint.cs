using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Auth;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// POST /v1/messages: Anthropic's Messages API in front of every configured model. The request is
/// translated to an OpenAI chat request and runs through the same pipeline as /v1/chat/completions
/// (auth, limits, failover, relay); <see cref="AnthropicCallerFormat"/> writes everything back in
/// Anthropic's format. The caller's own body is kept for deployments that speak Anthropic natively.
/// </summary>
public static class AnthropicMessagesEndpoint
{
    /// <summary>Headers of Anthropic's API a native upstream must receive as the caller sent them.</summary>
    private static readonly string[] NativeHeaders = ["anthropic-beta"];

    public static IEndpointRouteBuilder MapAnthropicMessages(this IEndpointRouteBuilder app)
    {
        var proxy = app.ServiceProvider.GetRequiredService<ProxyHandler>();
        var config = app.ServiceProvider.GetRequiredService<GatewayConfigStore>();
        var time = app.ServiceProvider.GetRequiredService<TimeProvider>();
        app.MapPost("/v1/messages", context => HandleAsync(context, proxy));
        app.MapPost("/v1/messages/count_tokens", context => CountTokensAsync(context, config, time));
        return app;
    }

    private static Task HandleAsync(HttpContext context, ProxyHandler proxy)
    {
        var format = new AnthropicCallerFormat();
        return proxy.HandleAsync(context, body => Parse(body, context.Request, format), format);
    }

    /// <summary>Translates the caller's body and parses the translation; the format learns what its answers need.</summary>
    public static ParseResult<ChatRequest> Parse(PooledBody body, HttpRequest request, AnthropicCallerFormat format)
    {
        var translated = AnthropicRequestTranslator.Translate(body.Memory);
        if (translated.Error is { } invalid)
        {
            return invalid;
        }

        var translation = translated.Value!;
        var original = new CallerApiRequest(CallerApi.AnthropicMessages, body.Memory, translation.ModelToken, NativeHeadersOf(request))
        {
            Untranslatable = translation.Untranslatable,
        };
        var parsed = ChatRequestParser.ParseTranslation(PooledBody.FromBytes(translation.OpenAIBody), original);
        if (parsed.Value is { } chat)
        {
            format.Model = chat.Model;
            format.ThinkingRequested = translation.ThinkingRequested;
        }

        return parsed;
    }

    /// <summary>
    /// Counting tokens needs a tokenizer, which the gateway does not have yet: an honest 501 in Anthropic's
    /// shape (after authentication, like every route), marked not worth retrying so SDKs do not try again.
    /// </summary>
    private static async Task CountTokensAsync(HttpContext context, GatewayConfigStore config, TimeProvider time)
    {
        RequestIds.Assign(context, time);
        var request = context.Request;
        if (KeyAuthenticator.Authenticate(request, config.Current) is null)
        {
            await AnthropicErrors.WriteAsync(context.Response, KeyAuthenticator.HasCredentials(request) ? GatewayError.InvalidKey() : GatewayError.MissingKey());
            return;
        }

        context.Response.Headers["x-should-retry"] = "false";
        await AnthropicErrors.WriteAsync(context.Response, new GatewayError(
            StatusCodes.Status501NotImplemented,
            "POST /v1/messages/count_tokens is not available on this gateway yet: it has no tokenizer for its models.",
            GatewayError.ServerErrorType,
            "not_implemented"));
    }

    private static KeyValuePair<string, string>[] NativeHeadersOf(HttpRequest request)
    {
        var found = new List<KeyValuePair<string, string>>();
        foreach (var name in NativeHeaders)
        {
            if (request.Headers.TryGetValue(name, out var values) && values.Count > 0)
            {
                found.Add(new(name, values.ToString()));
            }
        }

        return [.. found];
    }
}
