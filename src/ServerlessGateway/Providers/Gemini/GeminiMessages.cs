using System.Text;
using System.Text.Json;

namespace ServerlessGateway.Providers.Gemini;

/// <summary>
/// OpenAI's messages as Gemini's contents and systemInstruction:
/// <list type="bullet">
/// <item>system and developer messages → systemInstruction (joined in order, wherever they stood);</item>
/// <item>user → "user", assistant → "model"; consecutive turns of one role are merged (Gemini expects turns to alternate);</item>
/// <item>content parts: text; image_url (data URL → inlineData, http(s)/gs URL → fileData); input_audio → inlineData;
/// file with file_data → inlineData (a file_id has no Gemini equivalent);</item>
/// <item>assistant tool_calls → functionCall parts (arguments parsed; the thought signature recovered from the id);</item>
/// <item>tool messages → functionResponse parts in a "user" turn, named by the tool call their tool_call_id
/// answers (looked up in the assistant messages before them); legacy "function" messages by their name.</item>
/// </list>
/// </summary>
internal sealed class GeminiMessages
{
    /// <summary>
    /// Google's documented stand-in for a missing thought signature: Gemini 3 refuses a replayed function
    /// call without one (a call that came from another model, or whose id a client rewrote).
    /// </summary>
    public const string SkipSignatureValidation = "skip_thought_signature_validator";

    private readonly List<(string Role, List<RequestPart> Parts)> turns = [];
    private readonly StringBuilder system = new();
    private readonly Dictionary<string, string> toolNames = new(StringComparer.Ordinal);
    private readonly bool signaturesRequired;

    private GeminiMessages(bool signaturesRequired) => this.signaturesRequired = signaturesRequired;

    public static void Write(Utf8JsonWriter writer, JsonElement messages, string upstreamModel)
    {
        var translated = new GeminiMessages(RequiresSignatures(upstreamModel));
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            translated.Add(message, $"messages[{index++}]");
        }

        translated.WriteTo(writer);
    }

    /// <summary>Gemini 3 and later enforce thought signatures on replayed calls; 1.x–2.x do not check them.</summary>
    private static bool RequiresSignatures(string upstreamModel)
    {
        var model = upstreamModel[(upstreamModel.LastIndexOf('/') + 1)..];
        return !(model.StartsWith("gemini-1", StringComparison.OrdinalIgnoreCase) || model.StartsWith("gemini-2", StringComparison.OrdinalIgnoreCase));
    }

    private void Add(JsonElement message, string param)
    {
        var role = message.GetProperty("role").GetString();
        message.TryGetProperty("content", out var content);
        switch (role)
        {
            case "system" or "developer":
                if (system.Length > 0)
                {
                    system.Append("\n\n");
                }

                system.Append(TextOf(content, param + ".content"));
                break;
            case "user":
                AddTurn("user", UserParts(content, param + ".content"));
                break;
            case "assistant":
                AddTurn("model", AssistantParts(message, content, param));
                break;
            case "tool":
                var id = RequiredString(message, "tool_call_id", param);
                if (!toolNames.TryGetValue(id, out var name))
                {
                    throw Untranslatable.Invalid($"No assistant message before it has a tool call with the id '{id}'.", param + ".tool_call_id");
                }

                AddTurn("user", [new ResponsePart(name, TextOf(content, param + ".content"))]);
                break;
            case "function":
                AddTurn("user", [new ResponsePart(RequiredString(message, "name", param), TextOf(content, param + ".content"))]);
                break;
        }
    }

    private void AddTurn(string role, List<RequestPart> parts)
    {
        if (parts.Count == 0)
        {
            return; // an empty message (e.g. assistant content "") would be an empty turn, which Gemini refuses
        }

        if (turns.Count > 0 && turns[^1].Role == role)
        {
            turns[^1].Parts.AddRange(parts);
        }
        else
        {
            turns.Add((role, parts));
        }
    }

    private static List<RequestPart> UserParts(JsonElement content, string param)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return [new TextPart(content.GetString()!)];
        }

        var parts = new List<RequestPart>();
        if (content.ValueKind != JsonValueKind.Array)
        {
            return parts;
        }

        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            parts.Add(UserPart(part, $"{param}[{index++}]"));
        }

        return parts;
    }

    private static RequestPart UserPart(JsonElement part, string param)
    {
        var type = RequiredString(part, "type", param);
        switch (type)
        {
            case "text":
                return new TextPart(RequiredString(part, "text", param));
            case "image_url":
                var url = part.TryGetProperty("image_url", out var image) && image.ValueKind == JsonValueKind.Object ? RequiredString(image, "url", param + ".image_url")
                    : part.TryGetProperty("image_url", out var bare) && bare.ValueKind == JsonValueKind.String ? bare.GetString()!
                    : throw Untranslatable.Invalid("An image_url part needs image_url.url.", param + ".image_url");
                return new MediaRequestPart(GeminiMedia.FromUrl(url)
                    ?? throw Untranslatable.Invalid("image_url.url must be a base64 data URL or an http(s) URL.", param + ".image_url.url"));
            case "input_audio":
                var audio = part.TryGetProperty("input_audio", out var input) && input.ValueKind == JsonValueKind.Object ? input
                    : throw Untranslatable.Invalid("An input_audio part needs input_audio.data and input_audio.format.", param + ".input_audio");
                return new MediaRequestPart(new MediaPart(GeminiMedia.AudioType(RequiredString(audio, "format", param + ".input_audio")), RequiredString(audio, "data", param + ".input_audio").AsMemory(), Inline: true));
            case "file":
                if (part.TryGetProperty("file", out var file) && file.TryGetProperty("file_data", out var data) && data.ValueKind == JsonValueKind.String)
                {
                    return new MediaRequestPart(GeminiMedia.FromDataUrl(data.GetString()!)
                        ?? throw Untranslatable.Invalid("file.file_data must be a base64 data URL (data:<type>;base64,...).", param + ".file.file_data"));
                }

                throw Untranslatable.Unsupported("a file part must carry file_data; OpenAI file ids mean nothing to Gemini.", param + ".file");
            default:
                throw Untranslatable.Unsupported($"content parts of type '{type}' have no Gemini equivalent.", param + ".type");
        }
    }

    private List<RequestPart> AssistantParts(JsonElement message, JsonElement content, string param)
    {
        var parts = new List<RequestPart>();
        if (content.ValueKind is JsonValueKind.String or JsonValueKind.Array && TextOf(content, param + ".content") is { Length: > 0 } text)
        {
            parts.Add(new TextPart(text));
        }

        var calls = new List<CallPart>();
        if (message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var call in toolCalls.EnumerateArray())
            {
                calls.Add(Call(call, $"{param}.tool_calls[{index++}]"));
            }
        }
        else if (message.TryGetProperty("function_call", out var legacy) && legacy.ValueKind == JsonValueKind.Object)
        {
            calls.Add(new CallPart(RequiredString(legacy, "name", param + ".function_call"), Arguments(legacy, param + ".function_call"), null));
        }

        // Gemini puts one signature on the first call of a turn (parallel calls share it).
        if (signaturesRequired && calls.Count > 0 && calls.All(c => c.Signature is null))
        {
            calls[0] = calls[0] with { Signature = SkipSignatureValidation };
        }

        parts.AddRange(calls);
        return parts;
    }

    private CallPart Call(JsonElement call, string param)
    {
        var id = RequiredString(call, "id", param);
        if (!call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
        {
            throw Untranslatable.Unsupported("only function tool calls have a Gemini equivalent.", param);
        }

        var name = RequiredString(function, "name", param + ".function");
        toolNames[id] = name;
        return new CallPart(name, Arguments(function, param + ".function"), GeminiToolCallIds.Signature(id));
    }

    /// <summary>The arguments string parsed: Gemini's args are an object, not text.</summary>
    private static JsonElement Arguments(JsonElement function, string param)
    {
        var text = function.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.String ? arguments.GetString()! : "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return JsonElement.Parse("{}");
        }

        try
        {
            var parsed = JsonElement.Parse(text);
            if (parsed.ValueKind == JsonValueKind.Object)
            {
                return parsed;
            }
        }
        catch (JsonException)
        {
        }

        throw Untranslatable.Unsupported("Gemini takes a function call's arguments as a JSON object, and these are not one.", param + ".arguments");
    }

    /// <summary>Text content: a string, or the text of an array of text (and refusal) parts.</summary>
    private static string TextOf(JsonElement content, string param)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString()!;
            case JsonValueKind.Array:
                var text = new StringBuilder();
                var index = 0;
                foreach (var part in content.EnumerateArray())
                {
                    var type = RequiredString(part, "type", $"{param}[{index}]");
                    text.Append(type switch
                    {
                        "text" => RequiredString(part, "text", $"{param}[{index}]"),
                        "refusal" => RequiredString(part, "refusal", $"{param}[{index}]"),
                        _ => throw Untranslatable.Unsupported($"a '{type}' part is not text, and only text can stand here for Gemini.", $"{param}[{index}].type"),
                    });
                    index++;
                }

                return text.ToString();
            default:
                return "";
        }
    }

    private static string RequiredString(JsonElement element, string name, string param) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Untranslatable.Invalid($"'{name}' must be a string.", $"{param}.{name}");

    private void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("contents");
        foreach (var (role, parts) in turns)
        {
            writer.WriteStartObject();
            writer.WriteString("role", role);
            writer.WriteStartArray("parts");
            foreach (var part in parts)
            {
                part.Write(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (system.Length > 0)
        {
            writer.WriteStartObject("systemInstruction");
            writer.WriteStartArray("parts");
            new TextPart(system.ToString()).Write(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
    }
}
