using System.Text.Json;

namespace ServerlessGateway.Caching;

/// <summary>
/// What may be stored: a JSON object with "choices" (a chat completion) or a "data" array (embeddings). A 200 that
/// carries an error, or anything else, is not an answer to keep. Checked by the writer, off the request path, in one
/// pass that skips values. Whether a completion can be replayed as a stream is checked when a streaming caller hits it
/// (<see cref="ResponseCache.LookupAsync"/>).
/// </summary>
public static class StorableAnswer
{
    public static bool Check(byte[] response)
    {
        var (choices, data, error) = TopLevel(response);
        return !error && (choices || data);
    }

    /// <summary>One pass over the root's members, values skipped: is there "choices", a "data" array, a non-null "error"?</summary>
    private static (bool Choices, bool Data, bool Error) TopLevel(byte[] response)
    {
        bool choices = false, data = false, error = false;
        try
        {
            var reader = new Utf8JsonReader(response);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (false, false, true);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                var isChoices = name.SequenceEqual("choices"u8);
                var isData = name.SequenceEqual("data"u8);
                var isError = name.SequenceEqual("error"u8);
                reader.Read();
                choices |= isChoices;
                data |= isData && reader.TokenType == JsonTokenType.StartArray;
                error |= isError && reader.TokenType != JsonTokenType.Null;
                reader.Skip();
            }

            return (choices, data, error);
        }
        catch (JsonException)
        {
            return (false, false, true);
        }
    }
}
