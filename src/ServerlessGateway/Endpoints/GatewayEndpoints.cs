using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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

        app.MapPost("/v1/chat/completions", (HttpContext context, ProxyHandler handler) => handler.HandleChatCompletionsAsync(context));
        app.MapPost("/v1/embeddings", (HttpContext context, ProxyHandler handler) => handler.HandleEmbeddingsAsync(context));
        app.MapGet("/v1/models", ModelsEndpoints.ListAsync);
        app.MapGet("/v1/models/{**id}", ModelsEndpoints.GetAsync);

        return app;
    }
}
