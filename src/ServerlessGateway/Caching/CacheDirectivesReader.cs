using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Caching;

/// <summary>
/// Reads cache directives from the request: the body's "cache" object (LiteLLM's shape, so clients written for it
/// work) and headers (Portkey-like x-gateway-cache-*, plus HTTP's own Cache-Control). A directive the gateway cannot
/// read is a 400 naming it: a typo in "no-store" must not silently store what the caller asked not to.
/// </summary>
public static class CacheDirectivesReader
{
    public const string BodyField = "cache";
    public const string UseHeader = "x-gateway-cache";
    public const string TtlHeader = "x-gateway-cache-ttl";
    public const string NamespaceHeader = "x-gateway-cache-namespace";
    public const string ForceRefreshHeader = "x-gateway-cache-force-refresh";

    private static readonly string[] BodyNames = ["use-cache", "no-cache", "no-store", "ttl", "s-maxage", "namespace"];
    private static readonly byte[][] Utf8BodyNames = [.. BodyNames.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Reads the body's "cache" value (the reader is on it). null is no directives.</summary>
    public static GatewayError? ReadBody(ref Utf8JsonReader reader, out CacheDirectives directives)
    {
        directives = CacheDirectives.None;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return JsonFields.WrongType(BodyField, "an object", reader.TokenType);
        }

        var read = new CacheDirectives();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = JsonFields.Find(ref reader, Utf8BodyNames);
            var param = name < 0 ? BodyField + "." + JsonFields.GetString(ref reader) : BodyField + "." + BodyNames[name];
            reader.Read();
            GatewayError? error = null;
            switch (name)
            {
                case 0: read = read with { Use = ReadBool(ref reader, param, ref error) }; break;
                case 1: read = read with { NoCache = ReadBool(ref reader, param, ref error) ?? false }; break;
                case 2: read = read with { NoStore = ReadBool(ref reader, param, ref error) ?? false }; break;
                case 3: error = JsonFields.ReadOptionalInt(ref reader, param, 1, int.MaxValue, out var ttl); read = read with { TtlSeconds = ttl }; break;
                case 4: error = JsonFields.ReadOptionalInt(ref reader, param, 0, int.MaxValue, out var maxAge); read = read with { MaxAgeSeconds = maxAge }; break;
                case 5: read = read with { Namespace = ReadNamespace(ref reader, param, ref error) }; break;
                default:
                    return GatewayError.InvalidRequest(
                        $"Unknown cache directive '{param}'. Known: {string.Join(", ", BodyNames)}.", param, "unknown_cache_directive");
            }

            if (error is not null)
            {
                return error;
            }
        }

        directives = read;
        return null;
    }

    /// <summary>Reads the cache headers; an unreadable one is a 400 naming it.</summary>
    public static GatewayError? ReadHeaders(IHeaderDictionary headers, out CacheDirectives directives)
    {
        directives = CacheDirectives.None;
        bool? use = null;
        int? ttl = null, maxAge = null;
        string? space = null;
        bool noCache = false, noStore = false;
        if (headers.TryGetValue(UseHeader, out var useValue))
        {
            use = Flag(useValue.ToString());
            if (use is null)
            {
                return BadHeader(UseHeader, "\"on\" or \"off\"");
            }
        }

        if (headers.TryGetValue(ForceRefreshHeader, out var refresh))
        {
            if (Flag(refresh.ToString()) is not { } force)
            {
                return BadHeader(ForceRefreshHeader, "\"true\" or \"false\"");
            }

            noCache = force;
        }

        if (headers.TryGetValue(TtlHeader, out var ttlValue))
        {
            if (!int.TryParse(ttlValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1)
            {
                return BadHeader(TtlHeader, "a whole number of seconds, at least 1");
            }

            ttl = seconds;
        }

        if (headers.TryGetValue(NamespaceHeader, out var nsValue))
        {
            space = nsValue.ToString();
            if (!IsNamespace(space))
            {
                return BadHeader(NamespaceHeader, NamespaceRule);
            }
        }

        foreach (var part in headers.CacheControl.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // Standard request directives; others (no-transform, only-if-cached...) mean nothing to a gateway and are ignored.
            if (part.Equals("no-cache", StringComparison.OrdinalIgnoreCase))
            {
                noCache = true;
            }
            else if (part.Equals("no-store", StringComparison.OrdinalIgnoreCase))
            {
                noStore = true;
            }
            else if (part.StartsWith("max-age=", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(part.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out var age))
                {
                    return BadHeader("cache-control", "max-age as a whole number of seconds");
                }

                maxAge = age;
            }
        }

        // Most requests send none: None lets CacheDirectives.Under keep the body's directives without a copy.
        directives = use is null && !noCache && !noStore && ttl is null && maxAge is null && space is null
            ? CacheDirectives.None
            : new CacheDirectives { Use = use, NoCache = noCache, NoStore = noStore, TtlSeconds = ttl, MaxAgeSeconds = maxAge, Namespace = space };
        return null;
    }

    private const string NamespaceRule = "1 to 64 characters: letters, digits, '.', '_', ':' or '-'";

    private static bool IsNamespace(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    private static bool? Flag(string value) => value.ToLowerInvariant() switch
    {
        "on" or "true" or "1" => true,
        "off" or "false" or "0" => false,
        _ => null,
    };

    private static bool? ReadBool(ref Utf8JsonReader reader, string param, ref GatewayError? error)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            case JsonTokenType.Null: return null;
            default:
                error = JsonFields.WrongType(param, "a boolean", reader.TokenType);
                return null;
        }
    }

    private static string? ReadNamespace(ref Utf8JsonReader reader, string param, ref GatewayError? error)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            error = JsonFields.WrongType(param, "a string", reader.TokenType);
            return null;
        }

        var value = JsonFields.GetString(ref reader);
        if (!IsNamespace(value))
        {
            error = JsonFields.Invalid(param, NamespaceRule + ".");
        }

        return value;
    }

    private static GatewayError BadHeader(string header, string expected) =>
        GatewayError.InvalidRequest($"The header '{header}' must be {expected}.", header, "invalid_cache_header");
}
