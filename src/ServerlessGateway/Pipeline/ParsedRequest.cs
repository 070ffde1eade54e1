using ServerlessGateway.Caching;

namespace ServerlessGateway.Pipeline;

/// <summary>What the gateway needs to know of a request, read in one pass over the body it keeps.</summary>
public abstract class ParsedRequest(PooledBody body, string model, TokenSpan modelToken)
{
    public PooledBody Body { get; } = body;

    /// <summary>The logical model the caller asked for.</summary>
    public string Model { get; } = model;

    /// <summary>Where the "model" value sits in <see cref="Body"/>, so it can be replaced by the upstream name.</summary>
    public TokenSpan ModelToken { get; } = modelToken;

    /// <summary>OpenAI's "user" field: recorded with the usage as the tag user=….</summary>
    public string? User { get; init; }

    /// <summary>OpenAI's "metadata" pairs: recorded with the usage as tags.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Metadata { get; init; }

    /// <summary>The body's "cache" directives (the gateway's own field).</summary>
    public CacheDirectives Cache { get; init; } = CacheDirectives.None;

    /// <summary>Where the "cache" member sits (name to value end), so it is cut before the body goes upstream.</summary>
    public TokenSpan? CacheMember { get; init; }
}

/// <summary>A byte range of the request body.</summary>
public readonly record struct TokenSpan(int Start, int Length)
{
    public int End => Start + Length;
}

public sealed class ChatRequest(PooledBody body, string model, TokenSpan modelToken) : ParsedRequest(body, model, modelToken)
{
    public bool Stream { get; init; }

    /// <summary>The caller asked for the final usage chunk (stream_options.include_usage = true).</summary>
    public bool CallerWantsStreamUsage { get; init; }

    /// <summary>How to make the upstream send a usage chunk when the caller did not ask for it.</summary>
    public StreamUsageEdit UsageEdit { get; init; }

    public int? MaxTokens { get; init; }

    /// <summary>The caller's temperature, when given (0 makes the request cacheable by default).</summary>
    public double? Temperature { get; init; }

    /// <summary>A seed was given (also makes the request cacheable by default).</summary>
    public bool HasSeed { get; init; }

    public int ChoiceCount { get; init; } = 1;

    public int MessageCount { get; init; }

    /// <summary>The raw JSON value of the last user message's content (for the mock provider's echo).</summary>
    public TokenSpan? LastUserContent { get; init; }

    /// <summary>The raw JSON of the "messages" array (read again only by signals that need it, such as code detection).</summary>
    public TokenSpan Messages { get; init; }

    /// <summary>Some message has an image_url content part.</summary>
    public bool HasImages { get; init; }

    /// <summary>How many tools the request offers the model.</summary>
    public int ToolCount { get; init; }

    /// <summary>The tool a "required" or named tool_choice makes the model call, if tools were sent.</summary>
    public string? ForcedToolName { get; init; }

    /// <summary>The caller's own request when this one is its translation from another API (native pass-through).</summary>
    public CallerApiRequest? Original { get; init; }
}

/// <summary>
/// The edit that turns stream_options.include_usage on: insert the property into the root object,
/// replace a null or false value, or insert into an existing stream_options object.
/// </summary>
public readonly record struct StreamUsageEdit(StreamUsageEditKind Kind, int Offset, int Length);

public enum StreamUsageEditKind
{
    None,
    InsertIntoRoot,
    ReplaceStreamOptionsValue,
    InsertIntoStreamOptions,
    InsertIntoEmptyStreamOptions,
    ReplaceIncludeUsageValue,
}

public sealed class EmbeddingsRequest(PooledBody body, string model, TokenSpan modelToken) : ParsedRequest(body, model, modelToken)
{
    /// <summary>The raw JSON of "input" (for the mock provider).</summary>
    public TokenSpan Input { get; init; }

    public bool Base64 { get; init; }

    public int? Dimensions { get; init; }
}
