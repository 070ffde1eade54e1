using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Inbound.Anthropic;

/// <summary>
/// A caller that speaks Anthropic's Messages API: errors as Anthropic errors, OpenAI answers as Anthropic
/// messages, OpenAI chunks as Anthropic's event sequence. One per request: it carries what the answer
/// needs to know of the request (set once the request is translated).
/// </summary>
public sealed class AnthropicCallerFormat : ICallerFormat
{
    /// <summary>The logical model the caller asked for (named when an upstream answer does not say).</summary>
    public string Model { get; set; } = "";

    /// <summary>The caller turned extended thinking on.</summary>
    public bool ThinkingRequested { get; set; }

    public Task WriteErrorAsync(HttpResponse response, GatewayError error) => AnthropicErrors.WriteAsync(response, error);

    /// <summary>
    /// The upstream's status, message and Retry-After, in Anthropic's shape (an OpenAI-shaped body is not
    /// relayed); an Anthropic upstream's own error body (native pass-through) is relayed as it came.
    /// </summary>
    public async Task WriteFailureAsync(HttpResponse response, UpstreamFailure failure)
    {
        if (failure.CallerApiBody.IsEmpty)
        {
            await AnthropicErrors.WriteAsync(response, failure.Error);
            return;
        }

        await JsonResponse.WriteAsync(response, failure.Error.Status, failure.CallerApiBody, failure.Error.RetryAfterSeconds);
    }

    public async Task WriteAnswerAsync(HttpResponse response, int status, ReadOnlyMemory<byte> answer, CancellationToken cancellationToken)
    {
        byte[] message;
        try
        {
            message = AnthropicAnswerTranslator.Translate(answer, Context(response));
        }
        catch (JsonException ex)
        {
            await AnthropicErrors.WriteAsync(response, new GatewayError(
                StatusCodes.Status502BadGateway, "The upstream's answer is not a chat completion: " + ex.Message, GatewayError.ServerErrorType, "upstream_invalid_response"));
            return;
        }

        await JsonResponse.WriteAsync(response, status, message, cancellationToken: cancellationToken);
    }

    public IChunkSink StartStream(HttpResponse response)
    {
        SseResponse.Start(response);
        return new AnthropicStreamSink(response.BodyWriter, Context(response));
    }

    public async Task WriteStreamErrorAsync(HttpResponse response, GatewayError error)
    {
        SseWriter.WriteEvent(response.BodyWriter, "error"u8, AnthropicErrors.ToJsonBytes(error, AnthropicErrors.RequestId(response)));
        await response.BodyWriter.FlushAsync();
    }

    private AnthropicAnswerContext Context(HttpResponse response) =>
        new(AnthropicErrors.RequestId(response) ?? response.HttpContext.TraceIdentifier, Model, ThinkingRequested);
}
