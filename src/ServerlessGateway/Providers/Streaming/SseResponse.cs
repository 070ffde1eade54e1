using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>Starting an SSE response and ending one that failed after it started.</summary>
public static class SseResponse
{
    public static void Start(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>
    /// A stream that fails after its first byte ends with an error event and no [DONE], so no client
    /// mistakes a cut answer for a complete one.
    /// </summary>
    public static async Task WriteErrorAsync(HttpResponse response, GatewayError error, CancellationToken cancellationToken)
    {
        SseWriter.WriteData(response.BodyWriter, error.ToJsonBytes());
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    public static GatewayError StreamCut(string deployment, string why) => new(
        StatusCodes.Status502BadGateway,
        $"The upstream deployment '{deployment}' {why}; the answer above is incomplete.",
        GatewayError.ServerErrorType,
        "upstream_stream_incomplete");
}
