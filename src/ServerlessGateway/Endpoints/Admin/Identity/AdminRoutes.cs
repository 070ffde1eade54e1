using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints.Admin.Identity;

/// <summary>Maps an admin route so that it cannot run without passing <see cref="AdminAccess"/> first.</summary>
public static class AdminRoutes
{
    public static void MapAdmin(this IEndpointRouteBuilder app, string method, string pattern, Func<AdminCall, Task> handler)
    {
        var config = app.ServiceProvider.GetRequiredService<GatewayConfigStore>();
        var time = app.ServiceProvider.GetRequiredService<TimeProvider>();
        app.MapMethods(AdminAccess.RoutePrefix + pattern, [method], async context =>
        {
            RequestIds.Assign(context, time);
            var snapshot = config.Current;
            if (await AdminAccess.AuthorizeAsync(context, snapshot) is { } caller)
            {
                await handler(new AdminCall(context, snapshot, caller));
            }
        });
    }

    /// <summary>Writes the error when there is one; true when the handler may go on.</summary>
    public static async Task<bool> PassesAsync(this AdminCall call, GatewayError? error)
    {
        if (error is null)
        {
            return true;
        }

        await error.WriteAsync(call.Context.Response);
        return false;
    }
}
