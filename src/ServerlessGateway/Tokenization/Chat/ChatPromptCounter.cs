using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ServerlessGateway.Tokenization.Chat;

/// <summary>
/// Estimates the prompt tokens of an OpenAI chat-completions request body the way OpenAI's chat models frame it.
/// Sources and how sure each part is:
/// <list type="bullet">
/// <item>Messages (OpenAI cookbook, "How to count tokens with tiktoken"): each message costs 3 tokens of framing
/// (<c>&lt;|start|&gt;{role}\n{content}&lt;|end|&gt;\n</c>) plus its role, content and name, plus 1 when it has a name;
/// every reply is primed with 3 more. Exact for plain text messages (the recordings match to the token).</item>
/// <item>Tools: the definitions rendered as a TypeScript namespace (<see cref="FunctionDefinitions"/>) inside the
/// system message, after <c>"\n\n# Tools\n\n## functions\n\n"</c> (7 tokens) when there is one, or with 8 tokens
/// of framing when there is not. Fitted to recorded gpt-4o/gpt-4o-mini usage (exact on all of them); an estimate.</item>
/// <item>Tool calls: each call is framed as its own assistant message addressed <c>to=functions.{name}</c> with the
/// arguments as content, and each tool result as a message from <c>functions.{name} to=assistant</c>. The
/// community's reading of the format; within a few tokens of the one recording with a tool-call history.</item>
/// <item>Images: <see cref="ImageCost"/>. Audio and file parts cannot be sized without decoding them: not counted,
/// and the count is marked as an estimate.</item>
/// <item>response_format json_schema: <c>"# Response Formats\n\n## {name}\n\n"</c> and the schema as compact JSON
/// without "title" keys, in the system message. A guess (about 5 tokens short on the recordings).</item>
/// </list>
/// </summary>
internal static class ChatPromptCounter
{
    public const int TokensPerMessage = 3;
    public const int TokensPerName = 1;
    public const int ReplyPriming = 3;

    /// <summary>"\n\n# Tools\n\n## functions\n\n" after an existing system message (7 tokens in both encodings).</summary>
    public const string ToolsHeader = "\n\n# Tools\n\n## functions\n\n";

    /// <summary>Measured framing of the tools section when the request has no system message of its own.</summary>
    public const int ToolsWithoutSystemMessage = 8;

    /// <summary>The count for a chat-completions body; throws JsonException when it is not one.</summary>
    public static (int Tokens, bool IsEstimate) Count(ReadOnlySpan<byte> body, TiktokenEncoding encoding, string model)
    {
        var state = new State(encoding, ImageCost.For(model));
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 128 });
        var text = new JsonText();
        try
        {
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "The body must be a JSON object.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    MessageReader.ReadMessages(ref reader, ref text, state);
                }
                else if (reader.ValueTextEquals("tools"u8) || reader.ValueTextEquals("functions"u8))
                {
                    var isTools = reader.ValueTextEquals("tools"u8);
                    reader.Read();
                    using var tools = JsonDocument.ParseValue(ref reader);
                    state.AddFunctions(tools.RootElement, isTools);
                }
                else if (reader.ValueTextEquals("response_format"u8))
                {
                    reader.Read();
                    using var format = JsonDocument.ParseValue(ref reader);
                    state.AddResponseFormat(format.RootElement);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader's text comparisons throw this for an escape that is not valid UTF-16.
            throw new JsonException(ex.Message, ex);
        }
        finally
        {
            text.Dispose();
        }

        Expect(state.SawMessages, "The body has no \"messages\" array.");
        return (state.Total(), state.IsEstimate);
    }

    internal static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new JsonException(message);
        }
    }

    /// <summary>What the pass over the body has added up so far.</summary>
    internal sealed class State(TiktokenEncoding encoding, ImageCost images)
    {
        private readonly StringBuilder functions = new(FunctionDefinitions.NamespaceStart);
        private int functionCount;
        private readonly Dictionary<string, string> callNames = new(StringComparer.Ordinal);
        private int messageTokens;
        private int systemAdditions;

        public TiktokenEncoding Encoding { get; } = encoding;

        public ImageCost Images { get; } = images;

        public bool SawMessages { get; set; }

        public bool HasSystemMessage { get; set; }

        public bool IsEstimate { get; set; }

        public void Add(int tokens) => messageTokens += tokens;

        public int Count(ReadOnlySpan<byte> utf8) => Encoding.CountTokens(utf8);

        public int Count(string text) => Encoding.CountTokens(text);

        /// <summary>Remembers which function a tool call id named, to frame the tool result that answers it.</summary>
        public void RememberCall(string id, string name) => callNames[id] = name;

        public string? CallName(string? id) => id is not null && callNames.TryGetValue(id, out var name) ? name : null;

        public void AddFunctions(JsonElement list, bool isTools)
        {
            Expect(list.ValueKind is JsonValueKind.Array or JsonValueKind.Null, "\"tools\" must be an array.");
            if (list.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            foreach (var item in list.EnumerateArray())
            {
                var definition = isTools && item.ValueKind == JsonValueKind.Object && item.TryGetProperty("function", out var f) ? f : item;
                if (definition.ValueKind != JsonValueKind.Object)
                {
                    IsEstimate = true; // a tool type this counter does not know (custom tools, built-in tools)
                    continue;
                }

                FunctionDefinitions.Append(functions, new FunctionDefinitions.Function(
                    StringOrEmpty(definition, "name"),
                    definition.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null,
                    definition.TryGetProperty("parameters", out var p) ? p : null));
                functionCount++;
            }

            IsEstimate = true;
        }

        public void AddResponseFormat(JsonElement format)
        {
            if (format.ValueKind != JsonValueKind.Object || !format.TryGetProperty("json_schema", out var jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object)
            {
                return; // "text" and "json_object" add nothing measurable
            }

            var schema = jsonSchema.TryGetProperty("schema", out var s) ? SchemaWithoutTitles(s) : "{}";
            systemAdditions += Count($"# Response Formats\n\n## {StringOrEmpty(jsonSchema, "name")}\n\n") + Count(schema);
            IsEstimate = true;
        }

        public int Total()
        {
            var total = messageTokens + ReplyPriming;
            if (functionCount > 0)
            {
                var rendered = functions.ToString() + FunctionDefinitions.NamespaceEnd;
                total += (HasSystemMessage ? Count(ToolsHeader) : ToolsWithoutSystemMessage) + Count(rendered);
            }

            if (systemAdditions > 0)
            {
                // Into the system message after a blank line, or a system message of its own.
                total += systemAdditions + (HasSystemMessage || functionCount > 0 ? 1 : TokensPerMessage + 1);
            }

            return total;
        }

        private static string StringOrEmpty(JsonElement element, string property) =>
            element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

        private static string SchemaWithoutTitles(JsonElement schema)
        {
            using var output = new MemoryStream();
            using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                Write(writer, schema);
            }

            return System.Text.Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);

            static void Write(Utf8JsonWriter writer, JsonElement element)
            {
                switch (element.ValueKind)
                {
                    case JsonValueKind.Object:
                        writer.WriteStartObject();
                        foreach (var property in element.EnumerateObject())
                        {
                            if (property.NameEquals("title"u8) && property.Value.ValueKind == JsonValueKind.String)
                            {
                                continue;
                            }

                            writer.WritePropertyName(property.Name);
                            Write(writer, property.Value);
                        }

                        writer.WriteEndObject();
                        break;
                    case JsonValueKind.Array:
                        writer.WriteStartArray();
                        foreach (var item in element.EnumerateArray())
                        {
                            Write(writer, item);
                        }

                        writer.WriteEndArray();
                        break;
                    default:
                        element.WriteTo(writer);
                        break;
                }
            }
        }
    }
}
