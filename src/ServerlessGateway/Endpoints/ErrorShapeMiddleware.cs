using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints;

/// <summary>
/// The safety net around every route: an unknown URL or method gets OpenAI's JSON error instead of an
/// empty 404/405, and an exception nobody handled becomes an OpenAI-shaped 500 with the request id,
/// never a stack trace.
/// </summary>
public sealed partial class ErrorShapeMiddleware(RequestDelegate next, TimeProvider time, ILogger<ErrorShapeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var requestId = RequestIds.Assign(context, time);
            LogUnhandled(logger, ex, requestId);
            context.Response.Clear();
            RequestIds.Assign(context, time);
            await GatewayError.Internal(requestId).WriteAsync(context.Response);
            return;
        }

        var response = context.Response;
        if (response.HasStarted || response.StatusCode is not (StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed) || response.ContentLength is not null)
        {
            return;
        }

        RequestIds.Assign(context, time);
        var request = context.Request;
        var error = response.StatusCode == StatusCodes.Status404NotFound
            ? new GatewayError(404, $"Unknown request URL: {request.Method} {request.Path}. This gateway serves POST /v1/chat/completions, POST /v1/embeddings, POST /v1/messages, GET /v1/models and POST /utils/token_counter.", GatewayError.InvalidRequestType, "unknown_url")
            : new GatewayError(405, $"The method {request.Method} is not allowed for {request.Path}.", GatewayError.InvalidRequestType, "method_not_allowed");
        await error.WriteAsync(response);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for request {RequestId}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string requestId);
}
