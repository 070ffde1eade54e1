using ServerlessGateway.Auth;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Caching;

/// <summary>What the cache does for one request: read, write, which tenant and namespace, and the semantic layer's mode.</summary>
public sealed record CachePlan(bool ReadExact, bool Write, string Tenant, string Namespace, string SemanticMode, double Threshold, CacheDirectives Directives)
{
    public bool SemanticServes => SemanticMode == SemanticModes.On;

    /// <summary>
    /// Decides from configuration, the caller and the request. Returns null when the cache has nothing to do with the
    /// request (switched off, the caller said "off", a native pass-through answer, or neither layer applies).
    /// </summary>
    public static CachePlan? For(CachingOptions options, CallerIdentity caller, ParsedRequest request, string model, CacheDirectives directives)
    {
        if (!options.Enabled || directives.Use == false || request is ChatRequest { Original: not null })
        {
            // A request in another API (Anthropic's Messages) is answered in that API, not OpenAI's: not cached (yet).
            return null;
        }

        var tenant = options.TenantScope == CacheTenantScopes.Team && caller.TeamId is { } team ? "team:" + team : "key:" + caller.KeyId;
        CacheOverride? keyOverride = null, teamOverride = null, modelOverride = null;
        foreach (var entry in options.Overrides)
        {
            keyOverride ??= entry.Key == caller.KeyId || (entry.Key == caller.KeyName && caller.KeyId == CallerIdentity.ConfiguredKeyId(caller.KeyName)) ? entry : null;
            teamOverride ??= entry.Team is not null && entry.Team == caller.TeamId ? entry : null;
            modelOverride ??= entry.Model == model ? entry : null;
        }

        var exact = keyOverride?.Exact ?? teamOverride?.Exact ?? modelOverride?.Exact ?? true;
        var semantic = request is ChatRequest
            ? keyOverride?.Mode ?? teamOverride?.Mode ?? modelOverride?.Mode ?? options.Semantic.Mode
            : SemanticModes.Off;
        var threshold = keyOverride?.Threshold ?? teamOverride?.Threshold ?? modelOverride?.Threshold ?? options.Semantic.Threshold;
        var eligible = exact && (directives.Use == true || options.Eligibility switch
        {
            CacheEligibility.Always => true,
            CacheEligibility.OptIn => false,
            _ => IsDeterministic(request),
        });

        if (semantic == SemanticModes.Off && (!eligible || (directives.NoCache && directives.NoStore)))
        {
            return null; // nothing to read, nothing to write
        }

        return new CachePlan(
            ReadExact: eligible && !directives.NoCache,
            Write: !directives.NoStore,
            tenant,
            directives.Namespace ?? "",
            semantic,
            threshold,
            directives);
    }

    /// <summary>The same request gets the same answer: temperature 0 or a seed; embeddings always.</summary>
    private static bool IsDeterministic(ParsedRequest request) =>
        request is not ChatRequest chat || chat.Temperature == 0 || chat.HasSeed;

    /// <summary>An entry older than the caller's max-age is not served (it stays, for callers who accept it).</summary>
    public bool Accepts(CacheEntry entry, DateTimeOffset now) =>
        Directives.MaxAgeSeconds is not { } maxAge || now - entry.CreatedAt <= TimeSpan.FromSeconds(maxAge);

    /// <summary>How long a stored answer lives: the caller's ttl within the configured maximum, else the default.</summary>
    public TimeSpan Ttl(CachingOptions options) =>
        TimeSpan.FromSeconds(Math.Min(Directives.TtlSeconds ?? options.DefaultTtlSeconds, options.MaxTtlSeconds));
}
