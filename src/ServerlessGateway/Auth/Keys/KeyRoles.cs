namespace ServerlessGateway.Auth.Keys;

/// <summary>What a stored key may do: call models (user) or also use the admin API (admin).</summary>
public static class KeyRoles
{
    public const string User = "user";
    public const string Admin = "admin";

    public static bool IsKnown(string? role) => role is User or Admin;
}
