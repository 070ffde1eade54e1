using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Auth.Identity;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Tokenization;

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
        var counter = app.ServiceProvider.GetRequiredService<ITokenCounter>();
        app.MapPost("/v1/messages", context => HandleAsync(context, proxy));
        app.MapPost("/v1/messages/count_tokens", context => CountTokensAsync(context, config, counter, time));
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
    /// Anthropic's count_tokens: the request is translated like a Messages request and counted with the
    /// gateway's tokenizer as the prompt of the equivalent chat request. For Claude models that is an
    /// estimate (Anthropic's tokenizer is not public; o200k_base stands in), which the answer says in
    /// an "estimate" field next to Anthropic's "input_tokens".
    /// </summary>
    private static async Task CountTokensAsync(HttpContext context, GatewayConfigStore config, ITokenCounter counter, TimeProvider time)
    {
        RequestIds.Assign(context, time);
        var request = context.Request;
        var snapshot = config.Current;
        if (await context.AuthenticateAsync(snapshot, AnthropicErrors.WriteAsync) is not { } caller)
        {
            return;
        }

        var read = await PooledBody.ReadAsync(request, snapshot.MaxRequestBodyBytes, context.RequestAborted);
        if (read.Error is { } tooLarge)
        {
            await AnthropicErrors.WriteAsync(context.Response, tooLarge);
            return;
        }

        using var body = read.Body!;
        var translated = AnthropicRequestTranslator.Translate(body.Memory, forCounting: true);
        var parsed = translated.Error is { } invalid ? invalid : ChatRequestParser.Parse(PooledBody.FromBytes(translated.Value!.OpenAIBody));
        if (parsed.Error is { } error)
        {
            await AnthropicErrors.WriteAsync(context.Response, error);
            return;
        }

        var chat = parsed.Value!;
        if (snapshot.Models.ContainsKey(chat.Model) && !caller.MayUse(chat.Model))
        {
            await AnthropicErrors.WriteAsync(context.Response, GatewayError.ModelNotAllowed(chat.Model));
            return;
        }

        var count = counter.CountChat(chat);
        var answer = System.Text.Encoding.UTF8.GetBytes(
            $"{{\"input_tokens\":{count.Tokens.ToString(System.Globalization.CultureInfo.InvariantCulture)},\"estimate\":{(count.IsEstimate ? "true" : "false")}}}");
        await JsonResponse.WriteAsync(context.Response, StatusCodes.Status200OK, answer, cancellationToken: context.RequestAborted);
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
