using System.Collections.Frozen;

namespace ServerlessGateway.Auth;

/// <summary>Who is calling: resolved once per request from the presented key.</summary>
public sealed class CallerIdentity(string keyName, bool isAdmin, FrozenSet<string>? allowedModels)
{
    public string KeyName { get; } = keyName;

    public bool IsAdmin { get; } = isAdmin;

    /// <summary>Null means every model.</summary>
    public FrozenSet<string>? AllowedModels { get; } = allowedModels;

    public bool MayUse(string model) => AllowedModels is null || AllowedModels.Contains(model);
}
