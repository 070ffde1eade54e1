using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using ServerlessGateway.Pipeline;
using static ServerlessGateway.Inbound.Anthropic.AnthropicFields;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>An Anthropic request as an OpenAI chat-completions body, and what the answer needs to know of it.</summary>
/// <param name="OpenAIBody">The chat-completions body every provider adapter takes.</param>
/// <param name="ModelToken">Where "model" sits in the caller's own body (for native pass-through).</param>
/// <param name="ThinkingRequested">The caller turned extended thinking on: reasoning text comes back as thinking blocks.</param>
/// <param name="Untranslatable">Set when the request holds what only Anthropic can take: only an Anthropic deployment may serve it.</param>
public sealed record AnthropicTranslation(byte[] OpenAIBody, TokenSpan ModelToken, bool ThinkingRequested, GatewayError? Untranslatable = null);

/// <summary>
/// Translates an Anthropic Messages request into an OpenAI chat-completions body, validating it on the
/// way with Anthropic's 400 wording. The result is parsed by <see cref="ChatRequestParser"/> like any
/// chat request, so the pipeline runs unchanged. Reading uses a JsonDocument (the request is reshaped,
/// not edited in place: tool results become messages of their own), writing a Utf8JsonWriter.
/// </summary>
public static class AnthropicRequestTranslator
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = JsonFields.MaxDepth };

    /// <summary>Anthropic's extended-thinking budgets mapped onto OpenAI's effort levels (see README).</summary>
    public const int LowEffortBelow = 4096, MediumEffortBelow = 16384;

    /// <param name="body">The caller's Messages API body.</param>
    /// <param name="forCounting">A count_tokens body: the same shape, but max_tokens is not required.</param>
    public static ParseResult<AnthropicTranslation> Translate(ReadOnlyMemory<byte> body, bool forCounting = false)
    {
        if (!Utf8.IsValid(body.Span))
        {
            return GatewayError.InvalidRequest("The request body is not valid UTF-8.", code: "invalid_encoding");
        }

        try
        {
            var modelToken = ScanRoot(body.Span);
            using var document = JsonDocument.Parse(body, DocumentOptions);
            var output = new ArrayBufferWriter<byte>(Math.Max(256, body.Length + 256));
            bool thinking;
            var untranslatable = new UntranslatableContent();
            using (var writer = new Utf8JsonWriter(output, AnthropicJson.WriterOptions))
            {
                thinking = WriteRequest(document.RootElement, writer, untranslatable, forCounting);
            }

            return new AnthropicTranslation(output.WrittenSpan.ToArray(), modelToken, thinking, untranslatable.Refusal);
        }
        catch (InvalidAnthropicRequestException ex)
        {
            return ex.ToError();
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

    /// <summary>
    /// One pass over the root: a JSON object, no root field twice (parsers disagree on which duplicate
    /// wins, so a body with two "model" keys could be billed as one model and run as another), and where
    /// the model name sits for native pass-through to splice the deployment's name in.
    /// </summary>
    private static TokenSpan ScanRoot(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, JsonFields.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid("", "The request body must be a JSON object.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        TokenSpan model = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = JsonFields.GetString(ref reader);
            if (!seen.Add(name))
            {
                throw Invalid(name, "Field given more than once");
            }

            reader.Read();
            if (name == "model" && reader.TokenType == JsonTokenType.String)
            {
                model = JsonFields.CurrentToken(ref reader);
            }

            reader.Skip();
        }

        JsonFields.ReadToEnd(ref reader);
        return model;
    }

    /// <summary>Writes the chat-completions body; returns whether extended thinking was asked for.</summary>
    private static bool WriteRequest(JsonElement root, Utf8JsonWriter writer, UntranslatableContent untranslatable, bool forCounting)
    {
        var model = RequiredString(root, "model", "model");
        if (string.IsNullOrWhiteSpace(model) || model.Length > 256)
        {
            throw Invalid("model", "String should be a model name of 1 to 256 characters");
        }

        long? maxTokens = forCounting && Optional(root, "max_tokens") is null ? null : Integer(Required(root, "max_tokens", "max_tokens"), "max_tokens", 1);
        var messages = Array(Required(root, "messages", "messages"), "messages");
        if (messages.GetArrayLength() == 0)
        {
            throw Invalid("messages", "List should have at least 1 item after validation, not 0");
        }

        writer.WriteStartObject();
        writer.WriteString("model", model);
        writer.WriteStartArray("messages");
        if (Optional(root, "system") is { } system)
        {
            AnthropicMessagesTranslator.WriteSystem(system, "system", writer);
        }

        AnthropicMessagesTranslator.Write(messages, writer, untranslatable);
        writer.WriteEndArray();

        // max_completion_tokens is the current OpenAI name, and the only one reasoning models accept.
        if (maxTokens is { } max)
        {
            writer.WriteNumber("max_completion_tokens", Math.Min(max, int.MaxValue));
        }
        WriteSampling(root, writer);
        if (OptionalBool(root, "stream", "stream") == true)
        {
            writer.WriteBoolean("stream", true);
        }

        if (Optional(root, "metadata") is { } metadata && OptionalString(Object(metadata, "metadata"), "user_id", "metadata.user_id") is { } user)
        {
            writer.WriteString("user", user);
        }

        AnthropicToolsTranslator.Write(root, writer, untranslatable);
        var thinking = WriteReasoning(root, writer);
        WriteOutputFormat(root, writer);
        writer.WriteEndObject();
        return thinking;
    }

    /// <summary>
    /// temperature and top_p mean the same on both sides (Anthropic's range is narrower, so it is checked
    /// here); stop_sequences become "stop". top_k has no OpenAI counterpart: it is checked and dropped, since
    /// OpenAI refuses unknown parameters and top_k only narrows sampling.
    /// </summary>
    private static void WriteSampling(JsonElement root, Utf8JsonWriter writer)
    {
        if (Optional(root, "temperature") is { } temperature)
        {
            writer.WriteNumber("temperature", Number(temperature, "temperature", 0, 1));
        }

        if (Optional(root, "top_p") is { } topP)
        {
            writer.WriteNumber("top_p", Number(topP, "top_p", 0, 1));
        }

        if (Optional(root, "top_k") is { } topK)
        {
            Integer(topK, "top_k", 0);
        }

        if (Optional(root, "stop_sequences") is { } stops && stops.GetArrayLength() > 0)
        {
            writer.WriteStartArray("stop");
            var i = 0;
            foreach (var stop in Array(stops, "stop_sequences").EnumerateArray())
            {
                writer.WriteStringValue(String(stop, Path("stop_sequences", i++)));
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>
    /// Extended thinking and output_config.effort become reasoning_effort: an explicit effort is taken as it
    /// is ("max" is OpenAI's "high"); a thinking budget maps by size (below 4,096 tokens low, below 16,384
    /// medium, else high). Other kinds of thinking (adaptive, between_tools) leave the effort to the model.
    /// Returns whether thinking is on.
    /// </summary>
    private static bool WriteReasoning(JsonElement root, Utf8JsonWriter writer)
    {
        string? effort = null;
        var thinking = false;
        if (Optional(root, "thinking") is { } config)
        {
            var type = RequiredString(Object(config, "thinking"), "type", "thinking.type");
            switch (type)
            {
                case "enabled":
                    var budget = Integer(Required(config, "budget_tokens", "thinking.budget_tokens"), "thinking.budget_tokens", 1);
                    effort = budget < LowEffortBelow ? "low" : budget < MediumEffortBelow ? "medium" : "high";
                    thinking = true;
                    break;
                case "disabled":
                    break;
                default:
                    // adaptive, between_tools and kinds to come: the model decides how much to think.
                    thinking = true;
                    break;
            }
        }

        if (Optional(root, "output_config") is { } outputConfig && OptionalString(Object(outputConfig, "output_config"), "effort", "output_config.effort") is { } explicitEffort)
        {
            effort = explicitEffort switch
            {
                "low" or "medium" or "high" => explicitEffort,
                "max" => "high",
                _ => throw Invalid("output_config.effort", "Input should be 'low', 'medium', 'high' or 'max'"),
            };
        }

        if (effort is not null)
        {
            writer.WriteString("reasoning_effort", effort);
        }

        return thinking;
    }

    /// <summary>
    /// Structured output (output_config.format, or the older output_format) becomes a json_schema
    /// response_format. OpenAI's strict mode is left off: it refuses schemas Anthropic accepts (any object
    /// without additionalProperties: false), so a valid Anthropic request would fail.
    /// </summary>
    private static void WriteOutputFormat(JsonElement root, Utf8JsonWriter writer)
    {
        var (format, path) = Optional(root, "output_config") is { } config && Optional(config, "format") is { } nested
            ? (nested, "output_config.format")
            : (Optional(root, "output_format") ?? default, "output_format");
        if (format.ValueKind == JsonValueKind.Undefined)
        {
            return;
        }

        if (RequiredString(Object(format, path), "type", Path(path, "type")) != "json_schema")
        {
            throw Invalid(Path(path, "type"), "Input tag should be 'json_schema'");
        }

        var schema = Object(Required(format, "schema", Path(path, "schema")), Path(path, "schema"));
        writer.WriteStartObject("response_format");
        writer.WriteString("type", "json_schema");
        writer.WriteStartObject("json_schema");
        writer.WriteString("name", "response");
        writer.WritePropertyName("schema");
        schema.WriteTo(writer);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
