using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ServerlessGateway.Pipeline;

/// <summary>The one way the gateway writes a complete JSON body: status, content type, length, Retry-After.</summary>
public static class JsonResponse
{
    public static Task WriteAsync(HttpResponse response, int status, ReadOnlyMemory<byte> json, int? retryAfterSeconds = null, CancellationToken cancellationToken = default)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        response.ContentLength = json.Length;
        return response.Body.WriteAsync(json, cancellationToken).AsTask();
    }
}
