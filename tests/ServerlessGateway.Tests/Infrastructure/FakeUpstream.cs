using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ServerlessGateway.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on loopback that plays a provider: records every request it receives and
/// answers with whatever the test's handler writes (JSON, SSE with pauses, errors, cut connections).
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeUpstream(WebApplication app) => this.app = app;

    public Func<HttpContext, Task> Handler { get; set; } = context => Respond.Json(context, 200, "{}");

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public string BaseUrl => app.Urls.First();

    /// <summary>Completes when a request's RequestAborted fires (the gateway cancelled the call).</summary>
    public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeUpstream> StartAsync(Func<HttpContext, Task>? handler = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new FakeUpstream(app);
        if (handler is not null)
        {
            upstream.Handler = handler;
        }

        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            upstream.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body));
            context.RequestAborted.Register(() => upstream.Aborted.TrySetResult());
            await upstream.Handler(context);
        });
        await app.StartAsync();
        return upstream;
    }

    public RecordedRequest LastRequest => Requests.Last();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(TimeSpan.FromSeconds(1));
        await app.DisposeAsync();
    }
}

public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>Answers in the providers' wire formats.</summary>
public static class Respond
{
    public static async Task Json(HttpContext context, int status, string json, params (string Name, string Value)[] headers)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(json);
    }

    /// <summary>Starts an SSE response; then call <see cref="Event"/> for each event.</summary>
    public static async Task StartSse(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.FlushAsync();
    }

    public static async Task Event(HttpContext context, string data)
    {
        await context.Response.WriteAsync($"data: {data}\n\n");
        await context.Response.Body.FlushAsync();
    }

    public static async Task Sse(HttpContext context, IEnumerable<string> events, bool done = true)
    {
        await StartSse(context);
        foreach (var data in events)
        {
            await Event(context, data);
        }

        if (done)
        {
            await Event(context, "[DONE]");
        }
    }

    /// <summary>Writes raw bytes as the body, e.g. a recorded SSE stream.</summary>
    public static async Task Raw(HttpContext context, string contentType, byte[] body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(body);
    }
}
