using System.Text.Json.Serialization;
using ServerlessGateway.Configuration;

namespace ServerlessGateway.Endpoints.Admin.Identity;

/// <summary>
/// The admin API's bodies, snake_case as OpenAI's API. Unknown fields are refused (a misspelt "model" for
/// "models" must not silently grant every model), wrong types name the field.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(KeyWrite))]
[JsonSerializable(typeof(RotateRequest))]
[JsonSerializable(typeof(DirectoryWrite))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(DirectoryView))]
[JsonSerializable(typeof(ListView<KeyView>))]
[JsonSerializable(typeof(ListView<DirectoryView>))]
public sealed partial class IdentityAdminJson : JsonSerializerContext;

/// <summary>POST /admin/keys and PATCH /admin/keys/{id}: in a PATCH only the fields sent change (null clears).</summary>
public sealed class KeyWrite
{
    public string? Name { get; set; }

    public string? Role { get; set; }

    public List<string>? Models { get; set; }

    public string? UserId { get; set; }

    public string? TeamId { get; set; }

    public string? OrganizationId { get; set; }

    public LimitOptions? Limits { get; set; }

    public BudgetOptions? Budget { get; set; }

    public Dictionary<string, string>? Metadata { get; set; }

    public Dictionary<string, string>? Tags { get; set; }

    /// <summary>Unix seconds.</summary>
    public long? ExpiresAt { get; set; }

    public long? ExpiresInSeconds { get; set; }
}

public sealed class RotateRequest
{
    /// <summary>How long the old secret keeps working (0: it stops at once).</summary>
    public long? GraceSeconds { get; set; }
}

/// <summary>POST/PATCH of an organisation, team or user.</summary>
public sealed class DirectoryWrite
{
    /// <summary>Chosen by the caller (so configuration files can name it) or generated.</summary>
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? OrganizationId { get; set; }

    public string? TeamId { get; set; }

    public LimitOptions? Limits { get; set; }

    public BudgetOptions? Budget { get; set; }

    public Dictionary<string, string>? Metadata { get; set; }
}

/// <summary>A key as the admin API shows it: never its hash; the secret only in the create and rotate answers.</summary>
public sealed record KeyView(
    string Id,
    string Object,
    string Name,
    string DisplayPrefix,
    string Role,
    IReadOnlyList<string> Models,
    string? UserId,
    string? TeamId,
    string? OrganizationId,
    LimitOptions? Limits,
    BudgetOptions? Budget,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, string> Tags,
    long CreatedAt,
    long? ExpiresAt,
    long? RevokedAt,
    long? PreviousSecretValidUntil,
    long Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null);

public sealed record DirectoryView(
    string Id,
    string Object,
    string? Name,
    string? OrganizationId,
    string? TeamId,
    LimitOptions? Limits,
    BudgetOptions? Budget,
    IReadOnlyDictionary<string, string> Metadata,
    long CreatedAt,
    long Version);

public sealed record ListView<T>(string Object, IReadOnlyList<T> Data, bool HasMore, string? FirstId, string? LastId);
