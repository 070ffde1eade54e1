using System.Text.Json;
using ServerlessGateway.Accounting;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Anthropic;

/// <summary>
/// An Anthropic stream for an Anthropic caller (native pass-through): every event is relayed as it came,
/// name and data, through <see cref="IChunkSink.Relay"/>. Only message_start and message_delta are read
/// (for the usage); message_stop is the end; an error event is relayed as the stream's one in-band error
/// and fails the stream; an error as the first event fails the attempt before anything is sent.
/// </summary>
public sealed class AnthropicPassThroughMapper(string deployment) : IStreamEventMapper
{
    private AnthropicUsage? usage;

    public TokenUsage? Usage => usage?.ToTokenUsage();

    public bool Failed { get; private set; }

    public bool IsEnd(in SseEvent sseEvent) => TypeOf(sseEvent) == "message_stop";

    public UpstreamFailure? CheckFirstEvent(in SseEvent sseEvent) =>
        TypeOf(sseEvent) == "error" ? AnthropicPassThrough.StreamStartFailure(sseEvent.Data, deployment) : null;

    public bool Map(in SseEvent sseEvent, IChunkSink sink)
    {
        var type = TypeOf(sseEvent);
        switch (type)
        {
            case "message_start":
                usage = Read(sseEvent)?.Message?.Usage ?? usage;
                break;
            case "message_delta":
                var delta = Read(sseEvent)?.Usage;
                usage = usage?.With(delta) ?? delta;
                break;
        }

        sink.Relay(sseEvent);
        if (type == "error")
        {
            Failed = true;
        }

        return type == "message_stop";
    }

    /// <summary>The event's name (Anthropic names every event as its data's type), or the type in its data when it has no name.</summary>
    private static string? TypeOf(in SseEvent sseEvent)
    {
        if (sseEvent.EventType is { } name)
        {
            return name;
        }

        try
        {
            var reader = new Utf8JsonReader(sseEvent.Data);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isType = reader.ValueTextEquals("type"u8);
                    reader.Read();
                    if (isType && reader.TokenType == JsonTokenType.String)
                    {
                        return reader.GetString();
                    }

                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: relayed as it is; the caller's client judges it.
        }

        return null;
    }

    private static AnthropicStreamEvent? Read(in SseEvent sseEvent)
    {
        try
        {
            var reader = new Utf8JsonReader(sseEvent.Data);
            return JsonSerializer.Deserialize(ref reader, AnthropicJsonContext.Default.AnthropicStreamEvent);
        }
        catch (JsonException)
        {
            return null; // usage unknown; the event is still relayed as it came
        }
    }
}
