using System.Text;
using System.Text.Json;
using ServerlessGateway.Caching;

namespace ServerlessGateway.Pipeline;

/// <summary>
/// Reads a chat-completions body in one forward pass with <see cref="Utf8JsonReader"/>: validates the
/// whole document, checks the fields the gateway interprets, and records where to splice the model
/// name. Fields it does not interpret are skipped, not copied: the body is forwarded as it came.
/// (A JsonDocument or typed deserialisation would allocate the whole tree just to read five fields.)
/// </summary>
public static class ChatRequestParser
{

    /// <summary>The root fields the gateway reads. Each may appear once: see <see cref="JsonFields.SeenSet"/>.</summary>
    private static class Fields
    {
        public const int Model = 0, Messages = 1, Stream = 2, StreamOptions = 3, MaxTokens = 4, MaxCompletionTokens = 5,
            N = 6, Temperature = 7, TopP = 8, Tools = 9, ToolChoice = 10, User = 11, Metadata = 12, Cache = 13, Seed = 14;

        public static readonly string[] Names =
            ["model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "n", "temperature", "top_p", "tools", "tool_choice", "user", "metadata", "cache", "seed"];

        private static readonly byte[][] Utf8Names = [.. Names.Select(Encoding.UTF8.GetBytes)];

        /// <summary>The field the current property name is (escapes decoded), or -1.</summary>
        public static int Find(ref Utf8JsonReader reader) => JsonFields.Find(ref reader, Utf8Names);
    }

    public static ParseResult<ChatRequest> Parse(PooledBody body) => JsonFields.ParseGuarded(body, ParseCore);

    /// <summary>
    /// The OpenAI translation of a request in another API, parsed like any body. The caller's original is
    /// kept for native pass-through, and a stream always carries the usage chunk: the caller's format
    /// reports usage at the end of every stream (the upstream is asked for it as usual, per provider).
    /// </summary>
    public static ParseResult<ChatRequest> ParseTranslation(PooledBody translation, CallerApiRequest original) =>
        JsonFields.ParseGuarded(translation, (PooledBody body, ref Utf8JsonReader reader) => ParseCore(body, ref reader, original));

    private static ParseResult<ChatRequest> ParseCore(PooledBody body, ref Utf8JsonReader reader) => ParseCore(body, ref reader, null);

    private static ParseResult<ChatRequest> ParseCore(PooledBody body, ref Utf8JsonReader reader, CallerApiRequest? original)
    {
        var rootStart = (int)reader.TokenStartIndex;
        string? model = null;
        var modelToken = default(TokenSpan);
        bool? stream = null;
        var streamOptions = default(StreamOptionsScan);
        int? maxTokens = null, choiceCount = null;
        var messages = default(ChatMessagesReader.MessagesScan);
        var tools = ChatToolsReader.ToolsScan.None;
        string? forcedTool = null;
        string? user = null;
        List<KeyValuePair<string, string>>? metadata = null;
        var cache = CacheDirectives.None;
        TokenSpan? cacheMember = null;
        double? temperature = null;
        var hasSeed = false;

        var seen = new JsonFields.SeenSet();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameStart = (int)reader.TokenStartIndex;
            var field = Fields.Find(ref reader);
            reader.Read();
            var error = field < 0 ? null : seen.Add(field, Fields.Names[field]);
            error ??= field switch
            {
                Fields.Model => JsonFields.ReadModel(ref reader, out model, out modelToken),
                Fields.Messages => ChatMessagesReader.ReadMessages(ref reader, out messages),
                Fields.Stream => ReadStream(ref reader, out stream),
                Fields.StreamOptions => ReadStreamOptions(ref reader, out streamOptions),
                Fields.MaxTokens or Fields.MaxCompletionTokens => ReadMaxTokens(ref reader, Fields.Names[field], ref maxTokens),
                Fields.N => JsonFields.ReadOptionalInt(ref reader, "n", 1, 128, out choiceCount),
                Fields.Temperature => ReadTemperature(ref reader, out temperature),
                Fields.Seed => ReadSeed(ref reader, out hasSeed),
                Fields.TopP => JsonFields.ReadOptionalNumber(ref reader, "top_p", 0, 1),
                Fields.Tools => ChatToolsReader.ReadTools(ref reader, out tools),
                Fields.ToolChoice => ChatToolsReader.ReadToolChoice(ref reader, out forcedTool),
                Fields.User => RequestTagsReader.ReadUser(ref reader, out user),
                Fields.Metadata => RequestTagsReader.ReadMetadata(ref reader, out metadata),
                Fields.Cache => CacheDirectivesReader.ReadBody(ref reader, out cache),
                _ => Skip(ref reader),
            };

            if (field == Fields.Cache)
            {
                cacheMember = new TokenSpan(nameStart, (int)reader.BytesConsumed - nameStart);
            }

            if (error is not null)
            {
                return error;
            }
        }

        JsonFields.ReadToEnd(ref reader);
        if (model is null)
        {
            return JsonFields.Missing("model");
        }

        if (!seen.Contains(Fields.Messages))
        {
            return JsonFields.Missing("messages");
        }

        if (forcedTool == ChatToolsReader.ToolsScan.FirstToolMarker)
        {
            forcedTool = tools.FirstToolName;
        }

        var isStream = stream == true;
        return new ChatRequest(body, model, modelToken)
        {
            Stream = isStream,
            CallerWantsStreamUsage = streamOptions.IncludeUsage == true || original is not null,
            UsageEdit = isStream ? UsageEdit(rootStart, seen.Contains(Fields.StreamOptions), streamOptions) : default,
            MaxTokens = maxTokens,
            ChoiceCount = choiceCount ?? 1,
            MessageCount = messages.Count,
            LastUserContent = messages.LastUserContent,
            Messages = messages.Span,
            HasImages = messages.HasImages,
            ToolCount = tools.Count,
            ForcedToolName = tools.Count > 0 ? forcedTool : null,
            Original = original,
            User = user,
            Metadata = metadata,
            Cache = cache,
            CacheMember = cacheMember,
            Temperature = temperature,
            HasSeed = hasSeed,
        };
    }

    private static StreamUsageEdit UsageEdit(int rootStart, bool sawStreamOptions, StreamOptionsScan options)
    {
        if (options.IncludeUsage == true)
        {
            return default;
        }

        if (!sawStreamOptions)
        {
            return new StreamUsageEdit(StreamUsageEditKind.InsertIntoRoot, rootStart + 1, 0);
        }

        if (options.IncludeUsageToken is { } usageToken)
        {
            return new StreamUsageEdit(StreamUsageEditKind.ReplaceIncludeUsageValue, usageToken.Start, usageToken.Length);
        }

        return options.Value.Length switch
        {
            0 => default,
            _ when options.IsObject && options.IsEmptyObject => new StreamUsageEdit(StreamUsageEditKind.InsertIntoEmptyStreamOptions, options.Value.Start + 1, 0),
            _ when options.IsObject => new StreamUsageEdit(StreamUsageEditKind.InsertIntoStreamOptions, options.Value.Start + 1, 0),
            _ => new StreamUsageEdit(StreamUsageEditKind.ReplaceStreamOptionsValue, options.Value.Start, options.Value.Length),
        };
    }

    private static GatewayError? ReadTemperature(ref Utf8JsonReader reader, out double? temperature)
    {
        var error = JsonFields.ReadOptionalNumber(ref reader, "temperature", 0, 2);
        temperature = error is null && reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : null;
        return error;
    }

    /// <summary>Only whether a seed is given matters to the gateway (cache eligibility); the upstream validates its value.</summary>
    private static GatewayError? ReadSeed(ref Utf8JsonReader reader, out bool hasSeed)
    {
        hasSeed = reader.TokenType != JsonTokenType.Null;
        reader.Skip();
        return null;
    }

    private static GatewayError? Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }

    /// <summary>max_tokens and max_completion_tokens (its newer name): the one given, or the later when both are.</summary>
    private static GatewayError? ReadMaxTokens(ref Utf8JsonReader reader, string param, ref int? maxTokens)
    {
        var error = JsonFields.ReadOptionalInt(ref reader, param, 1, int.MaxValue, out var value);
        maxTokens = value ?? maxTokens;
        return error;
    }

    private static GatewayError? ReadStream(ref Utf8JsonReader reader, out bool? stream)
    {
        stream = reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False or JsonTokenType.Null => false,
            _ => null,
        };
        return stream is null ? JsonFields.WrongType("stream", "a boolean", reader.TokenType) : null;
    }

    private readonly record struct StreamOptionsScan(TokenSpan Value, bool IsObject, bool? IncludeUsage)
    {
        public bool IsEmptyObject { get; init; }

        public TokenSpan? IncludeUsageToken { get; init; }
    }

    private static GatewayError? ReadStreamOptions(ref Utf8JsonReader reader, out StreamOptionsScan scan)
    {
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.Null)
        {
            scan = new StreamOptionsScan(new TokenSpan(start, 4), false, null);
            return null;
        }

        scan = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return JsonFields.WrongType("stream_options", "an object", reader.TokenType);
        }

        bool? includeUsage = null;
        TokenSpan? usageToken = null;
        var empty = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            empty = false;
            var isUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (!isUsage)
            {
                reader.Skip();
                continue;
            }

            if (usageToken is not null)
            {
                return JsonFields.Duplicate("stream_options.include_usage");
            }

            if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
            {
                return JsonFields.WrongType("stream_options.include_usage", "a boolean", reader.TokenType);
            }

            includeUsage = reader.TokenType == JsonTokenType.True;
            usageToken = JsonFields.CurrentToken(ref reader);
        }

        var end = (int)reader.TokenStartIndex + 1;
        scan = new StreamOptionsScan(new TokenSpan(start, end - start), true, includeUsage) { IsEmptyObject = empty, IncludeUsageToken = usageToken };
        return null;
    }

}

/// <summary>A parsed request or the 4xx error that explains why it was refused.</summary>
public readonly struct ParseResult<T>
    where T : class
{
    private ParseResult(T? value, GatewayError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public GatewayError? Error { get; }

    public static implicit operator ParseResult<T>(T value) => new(value, null);

    public static implicit operator ParseResult<T>(GatewayError error) => new(null, error);
}
