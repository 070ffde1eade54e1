using Microsoft.AspNetCore.Routing;

namespace ServerlessGateway.Endpoints.Admin.Identity;

public static class IdentityAdminEndpoints
{
    /// <summary>/admin/keys, /admin/organizations, /admin/teams, /admin/users (admin keys only).</summary>
    public static IEndpointRouteBuilder MapIdentityAdmin(this IEndpointRouteBuilder app)
    {
        KeyEndpoints.Map(app);
        DirectoryEndpoints.Map(app);
        return app;
    }
}
