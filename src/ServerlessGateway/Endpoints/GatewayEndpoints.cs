using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Endpoints.Admin.Cache;
using ServerlessGateway.Endpoints.Admin.Identity;
using ServerlessGateway.Endpoints.Admin.Jobs;
using ServerlessGateway.Endpoints.Admin.Reports;
using ServerlessGateway.Inbound.Anthropic;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints;

/// <summary>The public routes. Their prefixes match the function.json routes the Functions host proxies.</summary>
public static class GatewayEndpoints
{
    private static readonly byte[] Banner = Encoding.UTF8.GetBytes("ServerlessGateway: an OpenAI-compatible LLM gateway. POST /v1/chat/completions\n");

    public static IEndpointRouteBuilder MapGatewayEndpoints(this IEndpointRouteBuilder app)
    {
        // The Functions host polls GET / until the custom handler answers: answer at once.
        app.MapGet("/", (HttpContext context) => context.Response.Body.WriteAsync(Banner).AsTask());
        app.MapGet("/health", HealthEndpoints.LiveAsync);
        app.MapGet("/health/ready", HealthEndpoints.ReadyAsync);

        // Plain request delegates on the singleton handler: no per-request parameter binding.
        var handler = app.ServiceProvider.GetRequiredService<ProxyHandler>();
        app.MapPost("/v1/chat/completions", handler.HandleChatCompletionsAsync);
        app.MapPost("/v1/embeddings", handler.HandleEmbeddingsAsync);
        app.MapAnthropicMessages();
        app.MapGet("/v1/models", ModelsEndpoints.ListAsync);
        app.MapGet("/v1/models/{**id}", ModelsEndpoints.GetAsync);
        app.MapPost(TokenCounterEndpoints.Route, TokenCounterEndpoints.CountAsync);
        app.MapIdentityAdmin();
        app.MapLedgerAdmin();
        app.MapHealthProbeJob();
        app.MapCacheAdmin();

        return app;
    }
}
