using Microsoft.AspNetCore.Http;
using ServerlessGateway.Auth;
using ServerlessGateway.Auth.Identity;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints.Admin;

/// <summary>
/// The gate in front of every /admin route: the caller's key must be an admin key (the configured master
/// key, or a stored key with the admin role). Refusals are OpenAI-shaped: 401 without a valid key, 403 with a non-admin one.
/// </summary>
public static class AdminAccess
{
    public const string RoutePrefix = "/admin";

    /// <summary>Returns the admin caller, or writes the refusal and returns null.</summary>
    public static async Task<CallerIdentity?> AuthorizeAsync(HttpContext context, GatewaySnapshot snapshot)
    {
        if (await context.AuthenticateAsync(snapshot) is not { } caller)
        {
            return null;
        }

        if (!caller.IsAdmin)
        {
            await Forbidden().WriteAsync(context.Response);
            return null;
        }

        return caller;
    }

    public static GatewayError Forbidden() => new(
        StatusCodes.Status403Forbidden, "This API key is not an admin key; the admin API needs the master key or a key with the admin role.", "permission_error", "admin_required");
}
