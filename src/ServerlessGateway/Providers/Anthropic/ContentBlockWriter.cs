using System.Text.Json;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// Writes Anthropic content blocks one after another. The last block stays open until the next one
/// starts, so a cache_control set on an OpenAI message as a whole can still be put on that message's
/// last block (where Anthropic wants a cache breakpoint). In "messages" it also opens and closes the
/// role turns, merging consecutive messages of one role into one turn: Anthropic requires user and
/// assistant turns to alternate, and tool results to arrive together in the user turn after the calls.
/// </summary>
internal sealed class ContentBlockWriter(Utf8JsonWriter writer, bool inTurns)
{
    private string? turnRole;
    private bool blockOpen;
    private bool blockCached;

    public Utf8JsonWriter Json => writer;

    /// <summary>Starts a block of <paramref name="type"/> (in the turn of <paramref name="role"/>, when writing turns).</summary>
    public void Start(string type, string? role = null)
    {
        CloseBlock();
        if (inTurns && role != turnRole)
        {
            CloseTurn();
            writer.WriteStartObject();
            writer.WriteString("role", role);
            writer.WriteStartArray("content");
            turnRole = role;
        }

        writer.WriteStartObject();
        writer.WriteString("type", type);
        blockOpen = true;
        blockCached = false;
    }

    /// <summary>Copies the cache_control of <paramref name="source"/> (a content part, tool or message) onto the open block.</summary>
    public void CacheControlFrom(JsonElement source)
    {
        if (blockOpen && !blockCached && source.TryGetProperty("cache_control", out var cacheControl) && cacheControl.ValueKind != JsonValueKind.Null)
        {
            writer.WritePropertyName("cache_control");
            cacheControl.WriteTo(writer);
            blockCached = true;
        }
    }

    /// <summary>The end of one OpenAI message: its own cache_control goes on its last block.</summary>
    public void EndMessage(JsonElement message)
    {
        CacheControlFrom(message);
        CloseBlock();
    }

    public void Finish()
    {
        CloseBlock();
        CloseTurn();
    }

    private void CloseBlock()
    {
        if (blockOpen)
        {
            writer.WriteEndObject();
            blockOpen = false;
        }
    }

    private void CloseTurn()
    {
        if (turnRole is not null)
        {
            writer.WriteEndArray();
            writer.WriteEndObject();
            turnRole = null;
        }
    }
}
