using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ServerlessGateway.Pipeline;

/// <summary>
/// Reads a chat-completions body in one forward pass with <see cref="Utf8JsonReader"/>: validates the
/// whole document, checks the fields the gateway interprets, and records where to splice the model
/// name. Fields it does not interpret are skipped, not copied: the body is forwarded as it came.
/// (A JsonDocument or typed deserialisation would allocate the whole tree just to read five fields.)
/// </summary>
public static class ChatRequestParser
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];
    private static readonly byte[][] Utf8Roles = [.. Roles.Select(Encoding.UTF8.GetBytes)];

    /// <summary>The root fields the gateway reads. Each may appear once: see <see cref="JsonFields.SeenSet"/>.</summary>
    private static class Fields
    {
        public const int Model = 0, Messages = 1, Stream = 2, StreamOptions = 3, MaxTokens = 4, MaxCompletionTokens = 5,
            N = 6, Temperature = 7, TopP = 8, Tools = 9, ToolChoice = 10;

        public static readonly string[] Names =
            ["model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "n", "temperature", "top_p", "tools", "tool_choice"];

        private static readonly byte[][] Utf8Names = [.. Names.Select(Encoding.UTF8.GetBytes)];

        /// <summary>The field the current property name is (escapes decoded), or -1.</summary>
        public static int Find(ref Utf8JsonReader reader) => JsonFields.Find(ref reader, Utf8Names);
    }

    public static ParseResult<ChatRequest> Parse(PooledBody body)
    {
        var span = body.Span;
        if (!Utf8.IsValid(span))
        {
            return GatewayError.InvalidRequest("The request body is not valid UTF-8.", code: "invalid_encoding");
        }

        try
        {
            return ParseCore(body, span);
        }
        catch (JsonException ex)
        {
            return GatewayError.InvalidJson(ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader's text comparisons throw this for an escape that is not valid UTF-16.
            return GatewayError.InvalidJson(ex.Message);
        }
    }

    private static ParseResult<ChatRequest> ParseCore(PooledBody body, ReadOnlySpan<byte> span)
    {
        var reader = new Utf8JsonReader(span, JsonFields.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return GatewayError.InvalidRequest("The request body must be a JSON object.", code: "invalid_json");
        }

        var rootStart = (int)reader.TokenStartIndex;
        string? model = null;
        var modelToken = default(TokenSpan);
        bool? stream = null;
        var streamOptions = default(StreamOptionsScan);
        int? maxTokens = null, choiceCount = null;
        var messages = default(MessagesScan);
        var tools = ToolsScan.None;
        string? forcedTool = null;

        var seen = new JsonFields.SeenSet();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Fields.Find(ref reader);
            reader.Read();
            var error = field < 0 ? null : seen.Add(field, Fields.Names[field]);
            error ??= field switch
            {
                Fields.Model => JsonFields.ReadModel(ref reader, out model, out modelToken),
                Fields.Messages => ReadMessages(ref reader, out messages),
                Fields.Stream => ReadStream(ref reader, out stream),
                Fields.StreamOptions => ReadStreamOptions(ref reader, out streamOptions),
                Fields.MaxTokens or Fields.MaxCompletionTokens => ReadMaxTokens(ref reader, Fields.Names[field], ref maxTokens),
                Fields.N => JsonFields.ReadOptionalInt(ref reader, "n", 1, 128, out choiceCount),
                Fields.Temperature => JsonFields.ReadOptionalNumber(ref reader, "temperature", 0, 2),
                Fields.TopP => JsonFields.ReadOptionalNumber(ref reader, "top_p", 0, 1),
                Fields.Tools => ReadTools(ref reader, out tools),
                Fields.ToolChoice => ReadToolChoice(ref reader, out forcedTool),
                _ => Skip(ref reader),
            };

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

        if (forcedTool == ToolsScan.FirstToolMarker)
        {
            forcedTool = tools.FirstToolName;
        }

        var isStream = stream == true;
        return new ChatRequest(body, model, modelToken)
        {
            Stream = isStream,
            CallerWantsStreamUsage = streamOptions.IncludeUsage == true,
            UsageEdit = isStream ? UsageEdit(rootStart, seen.Contains(Fields.StreamOptions), streamOptions) : default,
            MaxTokens = maxTokens,
            ChoiceCount = choiceCount ?? 1,
            MessageCount = messages.Count,
            LastUserContent = messages.LastUserContent,
            ForcedToolName = tools.Count > 0 ? forcedTool : null,
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

    private readonly record struct MessagesScan(int Count, TokenSpan? LastUserContent);

    private static GatewayError? ReadMessages(ref Utf8JsonReader reader, out MessagesScan scan)
    {
        scan = default;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return JsonFields.WrongType("messages", "an array", reader.TokenType);
        }

        var count = 0;
        TokenSpan? lastUser = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return JsonFields.WrongType(MessagePath(count), "an object", reader.TokenType);
            }

            var error = ReadMessage(ref reader, count, out var role, out var content);
            if (error is not null)
            {
                return error;
            }

            if (role == "user")
            {
                lastUser = content;
            }

            count++;
        }

        if (count == 0)
        {
            return JsonFields.Invalid("messages", "it must contain at least one message.");
        }

        scan = new MessagesScan(count, lastUser);
        return null;
    }

    /// <summary>"messages[3].content": built only for an error message, never on the way through.</summary>
    private static string MessagePath(int message, string field = "") => $"messages[{message}]{field}";

    private static GatewayError? ReadMessage(ref Utf8JsonReader reader, int message, out string? role, out TokenSpan? content)
    {
        role = null;
        content = null;
        var sawRole = false;
        var sawContent = false;
        var contentPresent = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("role"u8))
            {
                reader.Read();
                if (sawRole)
                {
                    return JsonFields.Duplicate(MessagePath(message, ".role"));
                }

                sawRole = true;
                if (reader.TokenType != JsonTokenType.String)
                {
                    return JsonFields.WrongType(MessagePath(message, ".role"), "a string", reader.TokenType);
                }

                var known = JsonFields.Find(ref reader, Utf8Roles);
                if (known < 0)
                {
                    return JsonFields.Invalid(MessagePath(message, ".role"), $"'{JsonFields.GetString(ref reader)}' is not one of {string.Join(", ", Roles)}.");
                }

                role = Roles[known];
            }
            else if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                if (contentPresent)
                {
                    return JsonFields.Duplicate(MessagePath(message, ".content"));
                }

                contentPresent = true;
                sawContent = reader.TokenType != JsonTokenType.Null;
                var error = ReadContent(ref reader, message, out content);
                if (error is not null)
                {
                    return error;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (role is null)
        {
            return JsonFields.Missing(MessagePath(message, ".role"));
        }

        return !sawContent && role is "system" or "developer" or "user" or "tool" ? JsonFields.Missing(MessagePath(message, ".content")) : null;
    }

    private static GatewayError? ReadContent(ref Utf8JsonReader reader, int message, out TokenSpan? content)
    {
        content = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                content = JsonFields.CurrentToken(ref reader);
                return null;
            case JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var error = ReadContentPart(ref reader, message, index++);
                    if (error is not null)
                    {
                        return error;
                    }
                }

                content = new TokenSpan(start, (int)reader.TokenStartIndex + 1 - start);
                return null;
            default:
                return JsonFields.WrongType(MessagePath(message, ".content"), "a string or an array of content parts", reader.TokenType);
        }
    }

    private static GatewayError? ReadContentPart(ref Utf8JsonReader reader, int message, int part)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return JsonFields.WrongType(MessagePath(message, $".content[{part}]"), "an object", reader.TokenType);
        }

        var sawType = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType)
            {
                if (sawType)
                {
                    return JsonFields.Duplicate(MessagePath(message, $".content[{part}].type"));
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    return JsonFields.WrongType(MessagePath(message, $".content[{part}].type"), "a string", reader.TokenType);
                }

                sawType = true;
            }
            else
            {
                reader.Skip();
            }
        }

        return sawType ? null : JsonFields.Missing(MessagePath(message, $".content[{part}].type"));
    }

    private readonly record struct ToolsScan(int Count, string? FirstToolName)
    {
        /// <summary>tool_choice "required": the first tool, known only once "tools" is read.</summary>
        public const string FirstToolMarker = "\0first";

        public static ToolsScan None => default;
    }

    private static GatewayError? ReadTools(ref Utf8JsonReader reader, out ToolsScan scan)
    {
        scan = ToolsScan.None;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return JsonFields.WrongType("tools", "an array", reader.TokenType);
        }

        var count = 0;
        string? first = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return JsonFields.WrongType($"tools[{count}]", "an object", reader.TokenType);
            }

            var name = ReadFunctionName(ref reader);
            first ??= name;
            count++;
        }

        scan = new ToolsScan(count, first);
        return null;
    }

    private static GatewayError? ReadToolChoice(ref Utf8JsonReader reader, out string? forced)
    {
        forced = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                forced = reader.ValueTextEquals("required"u8) ? ToolsScan.FirstToolMarker : null;
                return null;
            case JsonTokenType.StartObject:
                forced = ReadFunctionName(ref reader);
                return null;
            case JsonTokenType.Null:
                return null;
            default:
                return JsonFields.WrongType("tool_choice", "a string or an object", reader.TokenType);
        }
    }

    /// <summary>Reads {"type":"function","function":{"name":...}} and returns the name; leaves the reader at the object's end.</summary>
    private static string? ReadFunctionName(ref Utf8JsonReader reader)
    {
        string? name = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isFunction = reader.ValueTextEquals("function"u8);
            reader.Read();
            if (!isFunction || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                reader.Read();
                if (isName && reader.TokenType == JsonTokenType.String)
                {
                    name = JsonFields.GetString(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return name;
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
