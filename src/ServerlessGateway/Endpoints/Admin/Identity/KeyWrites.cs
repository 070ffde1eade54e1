using ServerlessGateway.Auth.Keys;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Endpoints.Admin.Identity;

/// <summary>How an admin body changes a stored key, and how a key is shown.</summary>
public static class KeyWrites
{
    /// <summary>The key with every field the body sent applied (a create sends onto a blank key; a PATCH onto the stored one).</summary>
    public static StoredKey Apply(StoredKey key, KeyWrite write, HashSet<string> sent, DateTimeOffset now) => key with
    {
        Name = sent.Contains("name") ? write.Name ?? key.Name : key.Name,
        Role = sent.Contains("role") ? write.Role ?? KeyRoles.User : key.Role,
        Models = sent.Contains("models") ? (write.Models ?? []).Contains("*") ? [] : write.Models ?? [] : key.Models,
        UserId = sent.Contains("user_id") ? write.UserId : key.UserId,
        TeamId = sent.Contains("team_id") ? write.TeamId : key.TeamId,
        OrganizationId = sent.Contains("organization_id") ? write.OrganizationId : key.OrganizationId,
        Limits = sent.Contains("limits") ? write.Limits : key.Limits,
        Budget = sent.Contains("budget") ? write.Budget : key.Budget,
        Metadata = sent.Contains("metadata") ? write.Metadata ?? [] : key.Metadata,
        Tags = sent.Contains("tags") ? write.Tags ?? [] : key.Tags,
        ExpiresAt = sent.Contains("expires_in_seconds") && write.ExpiresInSeconds is { } seconds ? now.AddSeconds(seconds)
            : sent.Contains("expires_at") ? write.ExpiresAt is { } at ? DateTimeOffset.FromUnixTimeSeconds(at) : null
            : key.ExpiresAt,
    };

    /// <summary>An expiry must be in the future (and within a century), given one way only.</summary>
    public static GatewayError? Expiry(KeyWrite write, HashSet<string> sent, DateTimeOffset now)
    {
        if (write.ExpiresAt is not null && write.ExpiresInSeconds is not null)
        {
            return AdminErrors.Invalid("expires_at", "Send 'expires_at' or 'expires_in_seconds', not both.");
        }

        const long century = 100L * 366 * 24 * 3600;
        return write.ExpiresInSeconds is < 1 or > century ? AdminErrors.Invalid("expires_in_seconds", "'expires_in_seconds' must be between 1 and a century.")
            : write.ExpiresAt is { } at && (at <= now.ToUnixTimeSeconds() || at > now.ToUnixTimeSeconds() + century) ? AdminErrors.Invalid("expires_at", "'expires_at' must be a future time in Unix seconds.")
            : sent.Contains("expires_in_seconds") && write.ExpiresInSeconds is null && !sent.Contains("expires_at") ? AdminErrors.Invalid("expires_in_seconds", "'expires_in_seconds' cannot be null; send \"expires_at\": null to remove the expiry.")
            : null;
    }

    public static KeyView View(StoredKey key, string? secret = null) => new(
        key.Id,
        "api_key",
        key.Name,
        key.DisplayPrefix,
        key.Role,
        key.Models,
        key.UserId,
        key.TeamId,
        key.OrganizationId,
        key.Limits,
        key.Budget,
        key.Metadata,
        key.Tags,
        key.CreatedAt.ToUnixTimeSeconds(),
        key.ExpiresAt?.ToUnixTimeSeconds(),
        key.RevokedAt?.ToUnixTimeSeconds(),
        key.PreviousHashValidUntil?.ToUnixTimeSeconds(),
        key.Version,
        secret);
}
