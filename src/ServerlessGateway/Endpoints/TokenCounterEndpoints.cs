using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Auth;
using ServerlessGateway.Auth.Identity;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Tokenization;
using ServerlessGateway.Tokenization.Chat;

namespace ServerlessGateway.Endpoints;

/// <summary>
/// POST /utils/token_counter (after LiteLLM's): the token count of a text or of a chat request for a model,
/// without calling it. Body: {"model", "text"} ("prompt" is accepted too), or {"model", "messages", ...} with the
/// rest of a chat-completions request (tools, response_format). Answer: {"total_tokens", "model", "encoding",
/// "estimate"}. Keys work as on /v1: a key limited to some gateway models may not count for the others.
/// </summary>
public static class TokenCounterEndpoints
{
    public const string Route = "/utils/token_counter";

    public static async Task CountAsync(HttpContext context, GatewayConfigStore config, ITokenCounter counter, TimeProvider time)
    {
        RequestIds.Assign(context, time);
        var snapshot = config.Current;
        if (await context.AuthenticateAsync(snapshot) is not { } caller)
        {
            return;
        }

        var read = await PooledBody.ReadAsync(context.Request, snapshot.MaxRequestBodyBytes, context.RequestAborted);
        if (read.Error is { } tooLarge)
        {
            await tooLarge.WriteAsync(context.Response);
            return;
        }

        using var body = read.Body!;
        var (answer, error) = Count(body.Span, snapshot, caller, counter);
        if (error is not null)
        {
            await error.WriteAsync(context.Response);
            return;
        }

        await ModelsEndpoints.WriteJsonAsync(context, answer!);
    }

    /// <summary>The answer's JSON, or the error that explains why there is none.</summary>
    internal static (byte[]? Answer, GatewayError? Error) Count(ReadOnlySpan<byte> body, GatewaySnapshot snapshot, CallerIdentity caller, ITokenCounter counter)
    {
        if (!Utf8.IsValid(body))
        {
            return (null, GatewayError.InvalidRequest("The request body is not valid UTF-8.", code: "invalid_encoding"));
        }

        RequestShape shape;
        try
        {
            shape = ReadShape(body);
        }
        catch (WrongTypeException ex)
        {
            return (null, JsonFields.WrongType(ex.Param, ex.Expected, ex.Actual));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escape that is not valid UTF-16 in a name the reader compared.
            return (null, GatewayError.InvalidJson(ex.Message));
        }

        if (shape.Model is not { Length: > 0 } model)
        {
            return (null, GatewayError.InvalidRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter"));
        }

        if (snapshot.Models.ContainsKey(model) && !caller.MayUse(model))
        {
            return (null, GatewayError.ModelNotAllowed(model));
        }

        TokenCount count;
        if (shape.HasMessages)
        {
            try
            {
                count = counter.CountChat(model, body);
            }
            catch (JsonException ex)
            {
                return (null, GatewayError.InvalidRequest($"The chat request could not be read: {ex.Message}", "messages", "invalid_messages"));
            }
        }
        else if (shape.Text is { } text)
        {
            var value = body.Slice(text.Start, text.Length);
            count = shape.TextIsEscaped ? CountEscaped(value, model, counter) : counter.CountText(model, value);
        }
        else
        {
            return (null, GatewayError.InvalidRequest("Send the text to count as 'text' (or 'prompt'), or a chat request's 'messages'.", "text", "missing_required_parameter"));
        }

        return (Answer(count, model), null);
    }

    private static TokenCount CountEscaped(ReadOnlySpan<byte> escaped, string model, ITokenCounter counter)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(escaped.Length);
        try
        {
            return counter.CountText(model, buffer.AsSpan(0, JsonText.Unescape(escaped, buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Answer(TokenCount count, string model)
    {
        var output = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("total_tokens", count.Tokens);
            writer.WriteString("model", model);
            writer.WriteString("encoding", count.Encoding);
            writer.WriteBoolean("estimate", count.IsEstimate);
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    private readonly record struct RequestShape(string? Model, bool HasMessages, TokenSpan? Text, bool TextIsEscaped);

    /// <summary>The root fields that say what to count; the rest is left to the chat counter.</summary>
    private static RequestShape ReadShape(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = JsonFields.MaxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The request body must be a JSON object.");
        }

        string? model = null;
        var hasMessages = false;
        TokenSpan? text = null;
        var escaped = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("model"u8) ? 1 : reader.ValueTextEquals("messages"u8) ? 2 : reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("prompt"u8) ? 3 : 0;
            reader.Read();
            switch (field)
            {
                case 1:
                    model = reader.TokenType == JsonTokenType.String ? JsonFields.GetString(ref reader) : throw new WrongTypeException("model", "a string", reader.TokenType);
                    break;
                case 2:
                    hasMessages = reader.TokenType == JsonTokenType.StartArray ? true : throw new WrongTypeException("messages", "an array", reader.TokenType);
                    reader.Skip();
                    break;
                case 3 when reader.TokenType == JsonTokenType.String:
                    text = new TokenSpan((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length); // inside the quotes
                    escaped = reader.ValueIsEscaped;
                    break;
                case 3:
                    throw new WrongTypeException("text", "a string", reader.TokenType);
                default:
                    reader.Skip();
                    break;
            }
        }

        JsonFields.ReadToEnd(ref reader);
        return new RequestShape(model, hasMessages, text, escaped);
    }

    /// <summary>A root field of the wrong JSON type: a 400 that names it.</summary>
    private sealed class WrongTypeException(string param, string expected, JsonTokenType actual) : Exception($"'{param}' must be {expected}.")
    {
        public string Param { get; } = param;

        public string Expected { get; } = expected;

        public JsonTokenType Actual { get; } = actual;
    }
}
