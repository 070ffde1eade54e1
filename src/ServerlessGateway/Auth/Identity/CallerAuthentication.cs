using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Auth.Identity;

/// <summary>The endpoints' one way in: resolve the caller, or answer the 401 (in the caller's API's error format).</summary>
public static class CallerAuthentication
{
    public static async ValueTask<CallerIdentity?> AuthenticateAsync(
        this HttpContext context, GatewaySnapshot snapshot, Func<HttpResponse, GatewayError, Task>? writeError = null)
    {
        var resolver = context.RequestServices.GetRequiredService<IIdentityResolver>();
        var resolved = await resolver.ResolveAsync(context.Request, snapshot, context.RequestAborted);
        if (resolved.Caller is { } caller)
        {
            return caller;
        }

        var error = resolved.Error ?? GatewayError.InvalidKey();
        await (writeError is null ? error.WriteAsync(context.Response) : writeError(context.Response, error));
        return null;
    }
}
