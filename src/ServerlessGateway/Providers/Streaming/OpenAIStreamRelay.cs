using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Accounting;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>
/// Relays an OpenAI-format SSE stream chunk by chunk as it arrives: each event's bytes are copied
/// into the response without re-serialisation; only a chunk that carries usage is parsed.
/// Everything the upstream sent in one read is flushed together, so nothing waits for later chunks.
/// </summary>
public sealed class OpenAIStreamRelay : UpstreamResponse
{
    private readonly HttpResponseMessage upstream;
    private readonly PipeReader reader;
    private readonly SseParser parser = new();
    private readonly OpenAIStreamRelayOptions options;

    private OpenAIStreamRelay(HttpResponseMessage upstream, Stream body, OpenAIStreamRelayOptions options)
    {
        this.upstream = upstream;
        this.options = options;
        reader = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096));
    }

    /// <summary>
    /// Opens the relay and waits for the first complete event, so that an upstream which fails before
    /// sending anything is still a failure the pipeline can fail over from.
    /// </summary>
    public static async Task<(OpenAIStreamRelay? Relay, string? Failure)> OpenAsync(
        HttpResponseMessage upstream, OpenAIStreamRelayOptions options, CancellationToken cancellationToken)
    {
        var body = await upstream.Content.ReadAsStreamAsync(cancellationToken);
        var relay = new OpenAIStreamRelay(upstream, body, options);
        var failure = await relay.WaitForFirstEventAsync(cancellationToken);
        if (failure is null)
        {
            return (relay, null);
        }

        relay.Dispose();
        return (null, failure);
    }

    private async Task<string?> WaitForFirstEventAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                return "the stream broke before its first event: " + ex.Message;
            }

            var buffer = result.Buffer;
            if (parser.TryReadEvent(ref buffer, out _))
            {
                // Leave the event unconsumed: the relay reads it again, from the pipe's buffer.
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
                return null;
            }

            if (result.IsCompleted)
            {
                return "the stream ended before its first event";
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    public override async Task<RelayOutcome> WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        SseResponse.Start(response);
        var writer = response.BodyWriter;
        var time = options.Time;
        var tick = options.KeepAlive < options.IdleTimeout ? options.KeepAlive : options.IdleTimeout;
        var lastData = time.GetTimestamp();
        Task<ReadResult>? pendingRead = null;
        Task? nextCheck = null;
        TokenUsage? usage = null;
        while (true)
        {
            ReadResult result;
            try
            {
                var read = pendingRead is null ? reader.ReadAsync(cancellationToken) : default;
                if (pendingRead is null && read.IsCompletedSuccessfully)
                {
                    result = read.Result;
                }
                else
                {
                    pendingRead ??= read.AsTask();

                    // Cancelling a read would abort the upstream connection, so silence is watched by
                    // racing the read against a timer renewed once per tick, not once per chunk.
                    nextCheck ??= Task.Delay(tick, time, cancellationToken);
                    if (await Task.WhenAny(pendingRead, nextCheck) != pendingRead)
                    {
                        nextCheck = null;
                        cancellationToken.ThrowIfCancellationRequested();
                        var silence = time.GetElapsedTime(lastData);
                        if (silence >= options.IdleTimeout)
                        {
                            return await FailAsync(response, usage, $"sent nothing for {options.IdleTimeout.TotalSeconds:0.#} s", cancellationToken);
                        }

                        if (silence >= options.KeepAlive)
                        {
                            SseWriter.WriteKeepAlive(writer);
                            await writer.FlushAsync(cancellationToken);
                        }

                        continue;
                    }

                    result = await pendingRead;
                    pendingRead = null;
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                return await FailAsync(response, usage, "broke off (" + ex.Message + ")", cancellationToken);
            }

            lastData = time.GetTimestamp();
            var buffer = result.Buffer;
            var done = false;
            while (!done && parser.TryReadEvent(ref buffer, out var sseEvent))
            {
                done = sseEvent.IsDone;
                if (!done)
                {
                    Relay(writer, sseEvent, ref usage);
                }
            }

            done |= result.IsCompleted && SseParser.IsUnterminatedDone(buffer);
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (done)
            {
                SseWriter.WriteDone(writer);
                await writer.FlushAsync(cancellationToken);
                return new RelayOutcome(usage, Completed: true);
            }

            await writer.FlushAsync(cancellationToken);
            if (result.IsCompleted)
            {
                return await FailAsync(response, usage, "ended the stream without [DONE]", cancellationToken);
            }
        }
    }

    private void Relay(PipeWriter writer, SseEvent sseEvent, ref TokenUsage? usage)
    {
        var data = sseEvent.Data;
        if (options.Normalizer is { } normalizer)
        {
            if (normalizer.Normalize(data) is not { } normalized)
            {
                return;
            }

            data = normalized;
        }

        if (data.IsSingleSegment ? OpenAIUsageReader.MayCarryUsage(data.FirstSpan) : OpenAIUsageReader.MayCarryUsage(data.ToArray()))
        {
            if (OpenAIUsageReader.TryRead(data, out var found, out var choicesEmpty))
            {
                usage = found;

                // The gateway asked for this usage-only chunk for its own accounting; a caller that did
                // not ask for it does not get it.
                if (choicesEmpty && !options.CallerWantsUsage)
                {
                    return;
                }
            }
        }

        SseWriter.WriteData(writer, data);
    }

    private async Task<RelayOutcome> FailAsync(HttpResponse response, TokenUsage? usage, string why, CancellationToken cancellationToken)
    {
        await SseResponse.WriteErrorAsync(response, SseResponse.StreamCut(options.DeploymentName, why), cancellationToken);
        return new RelayOutcome(usage, Completed: false, why);
    }

    public override void Dispose()
    {
        reader.Complete();
        upstream.Dispose();
        base.Dispose();
    }
}

/// <param name="Normalizer">Fixes chunks of upstreams that are not valid OpenAI chunks as sent (Azure); null relays every chunk as it came.</param>
public sealed record OpenAIStreamRelayOptions(
    string DeploymentName, bool CallerWantsUsage, TimeSpan IdleTimeout, TimeSpan KeepAlive, TimeProvider Time, IStreamChunkNormalizer? Normalizer = null);
