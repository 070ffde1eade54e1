using System.Net;
using Microsoft.AspNetCore.Http.Features;

namespace ServerlessGateway.LoadBench;

/// <summary>
/// The floor: Kestrel + one SocketsHttpHandler streaming the body through, no auth, no parsing, no
/// accounting. What .NET itself costs on this box; the gateway's features are measured on top of it.
/// </summary>
public static class BareForwarder
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var target = new Uri(options.Upstream.TrimEnd('/') + "/chat/completions");
        var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            MaxConnectionsPerServer = int.MaxValue,
        });
        var app = BenchHost.CreateApp(options.Port);
        app.MapPost("/v1/chat/completions", async context =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StreamContent(context.Request.Body) };
            request.Content.Headers.ContentLength = context.Request.ContentLength;
            request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType ?? "application/json");
            using var response = await client.SendAsync(request, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            if (response.Content.Headers.ContentLength is { } length)
            {
                context.Response.ContentLength = length;
            }
            else
            {
                context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            }

            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            await body.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.RunAsync();
        return 0;
    }
}
