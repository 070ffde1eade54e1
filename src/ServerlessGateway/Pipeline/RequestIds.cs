using Microsoft.AspNetCore.Http;

namespace ServerlessGateway.Pipeline;

/// <summary>Accepts the caller's x-request-id when it is a sane token, otherwise makes a time-ordered one.</summary>
public static class RequestIds
{
    private const int MaxLength = 128;

    public static string Assign(HttpContext context, TimeProvider time)
    {
        var offered = context.Request.Headers[GatewayHeaders.RequestId];
        var id = offered.Count == 1 && IsAcceptable(offered[0]) ? offered[0]! : "req_" + Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        context.Response.Headers[GatewayHeaders.RequestId] = id;
        return id;
    }

    public static bool IsAcceptable(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
