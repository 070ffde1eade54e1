using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;

namespace ServerlessGateway.Governance;

/// <summary>
/// The tags a usage record carries: the key's defaults, then the x-gateway-tags header ("team=search,feature=chat"),
/// then the body's metadata, then its user (as user=…); a later source overrides an earlier one for the same name.
/// </summary>
public static class UsageTags
{
    public const string Header = "x-gateway-tags";

    /// <summary>Reads the header's tags, or returns a 400 for a malformed one.</summary>
    public static GatewayError? ReadHeader(HttpRequest request, out List<KeyValuePair<string, string>>? tags)
    {
        tags = null;
        var values = request.Headers[Header];
        if (values.Count == 0)
        {
            return null;
        }

        tags = [];
        foreach (var value in values)
        {
            foreach (var pair in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = equals > 0 ? pair[..equals].Trim() : "";
                var tag = equals > 0 ? pair[(equals + 1)..].Trim() : "";
                if (name.Length is 0 or > RequestTagsReader.MaxKeyLength || tag.Length > RequestTagsReader.MaxValueLength || tags.Count == RequestTagsReader.MaxPairs)
                {
                    tags = null;
                    return GatewayError.InvalidRequest(
                        $"The {Header} header must be up to {RequestTagsReader.MaxPairs} comma-separated name=value pairs (names 1 to {RequestTagsReader.MaxKeyLength} characters).",
                        Header,
                        "invalid_tags");
                }

                tags.Add(new(name, tag));
            }
        }

        return null;
    }

    public static FrozenDictionary<string, string> Merge(
        FrozenDictionary<string, string> keyDefaults, List<KeyValuePair<string, string>>? header, ParsedRequest request)
    {
        if (header is null && request.Metadata is null && request.User is null)
        {
            return keyDefaults;
        }

        var tags = new Dictionary<string, string>(keyDefaults, StringComparer.Ordinal);
        foreach (var (name, value) in header ?? [])
        {
            tags[name] = value;
        }

        foreach (var (name, value) in request.Metadata ?? [])
        {
            tags[name] = value;
        }

        if (request.User is { } user)
        {
            tags["user"] = user;
        }

        return tags.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
