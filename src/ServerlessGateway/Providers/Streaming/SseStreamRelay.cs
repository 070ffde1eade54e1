using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Faults;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Streaming;

/// <summary>
/// Relays an upstream SSE stream event by event as it arrives, through a mapper (pass-through for
/// OpenAI-format upstreams, a translator for others) into the caller's sink. Everything the upstream
/// sent in one read is flushed together, so nothing waits for later events. It owns what every stream
/// needs: waiting for the first event before committing, keep-alives during silences, the idle and total
/// time-outs once committed, an injected cut, and an in-band error (never a clean end) when the upstream
/// breaks off.
/// </summary>
public sealed class SseStreamRelay : UpstreamResponse
{
    private readonly HttpResponseMessage upstream;
    private readonly PipeReader reader;
    private readonly SseParser parser = new();
    private readonly IStreamEventMapper mapper;
    private readonly SseStreamRelayOptions options;

    private SseStreamRelay(HttpResponseMessage upstream, Stream body, IStreamEventMapper mapper, SseStreamRelayOptions options)
    {
        this.upstream = upstream;
        this.mapper = mapper;
        this.options = options;
        reader = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096));
    }

    /// <summary>
    /// Opens the relay and waits for the first complete event, so that an upstream which fails before
    /// sending anything (no event at all, or a first event the mapper reads as a failure) is still a
    /// failure the pipeline can fail over from.
    /// </summary>
    public static async Task<UpstreamResult> OpenAsync(
        HttpResponseMessage upstream, IStreamEventMapper mapper, SseStreamRelayOptions options, CancellationToken cancellationToken)
    {
        if (options.CutAfterEvents == 0)
        {
            upstream.Dispose();
            return FailedBeforeFirstEvent(options.DeploymentName, "the stream broke before its first event: " + InjectedFaults.CutDescription(options.Fault!));
        }

        var body = await upstream.Content.ReadAsStreamAsync(cancellationToken);
        var relay = new SseStreamRelay(upstream, body, mapper, options);
        var failure = await relay.WaitForFirstEventAsync(cancellationToken);
        if (failure is null)
        {
            return relay;
        }

        relay.Dispose();
        return failure;
    }

    private async Task<UpstreamFailure?> WaitForFirstEventAsync(CancellationToken cancellationToken)
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
                return BeforeFirstEvent("the stream broke before its first event: " + ex.Message);
            }

            var buffer = result.Buffer;
            if (parser.TryReadEvent(ref buffer, out var first))
            {
                return Opened(result, first);
            }

            if (result.IsCompleted)
            {
                // An upstream may close right after an event whose blank line never came. For one that ends by
                // closing it is left unconsumed too, for the relay to map at the close; for any other it can
                // only say why the stream failed (an error event), which the mapper reads.
                if (parser.TryReadFinalEvent(result.Buffer, out var last))
                {
                    var failure = Opened(result, last);
                    if (failure is not null || mapper.EndsAtClose)
                    {
                        return failure;
                    }
                }

                return BeforeFirstEvent("the stream ended before its first event");
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>The first event arrived: the mapper may still call it a failure; otherwise it is left unconsumed, for the relay to read again from the pipe's buffer.</summary>
    private UpstreamFailure? Opened(ReadResult result, in SseEvent first)
    {
        var failure = mapper.CheckFirstEvent(first);
        reader.AdvanceTo(result.Buffer.Start, failure is null ? result.Buffer.Start : result.Buffer.End);
        return failure;
    }

    private UpstreamFailure BeforeFirstEvent(string why) => FailedBeforeFirstEvent(options.DeploymentName, why);

    /// <summary>A stream that failed before its first event: nothing reached the caller, so the next deployment is tried.</summary>
    public static UpstreamFailure FailedBeforeFirstEvent(string deployment, string why) =>
        new(GatewayError.UpstreamInvalidResponse(deployment, why), FailureAction.TryNextDeployment, FailureReasons.StreamFailedBeforeFirstEvent);

    public override async Task<RelayOutcome> WriteAsync(HttpResponse response, ICallerFormat format, CancellationToken cancellationToken)
    {
        // The silence/total timer outlives the stream unless cancelled: at thousands of streams a second, timers
        // left to run out their keep-alive interval would pile up by the hundred thousand.
        using var checks = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            return await RelayAsync(response, format, checks.Token, cancellationToken);
        }
        finally
        {
            await checks.CancelAsync();
        }
    }

    private async Task<RelayOutcome> RelayAsync(HttpResponse response, ICallerFormat format, CancellationToken checksToken, CancellationToken cancellationToken)
    {
        var sink = format.StartStream(response);
        var watch = new StreamWatch(options);
        var cutAfter = options.CutAfterEvents;
        var relayed = 0;
        Task<ReadResult>? pendingRead = null;
        Task? nextCheck = null;
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

                    // Cancelling a read would abort the upstream connection, so silence and the total are watched by
                    // racing the read against a timer, renewed only once it fired (at most once per keep-alive
                    // interval while data flows), not once per chunk.
                    nextCheck ??= Task.Delay(watch.UntilNextCheck(), options.Time, checksToken);
                    if (await Task.WhenAny(pendingRead, nextCheck) != pendingRead)
                    {
                        nextCheck = null;
                        cancellationToken.ThrowIfCancellationRequested();
                        switch (watch.Check())
                        {
                            case StreamWatch.Verdict.Total:
                                return await FailAsync(sink, UpstreamTimeouts.TotalCut(options.Timeouts.Total), FailureReasons.Timeout, cancellationToken);
                            case StreamWatch.Verdict.Idle:
                                return await FailAsync(sink, UpstreamTimeouts.IdleCut(options.Timeouts.Idle), FailureReasons.IdleTimeout, cancellationToken);
                            case StreamWatch.Verdict.KeepAlive:
                                sink.KeepAlive();
                                await sink.FlushAsync(cancellationToken);
                                break;
                        }

                        continue;
                    }

                    result = await pendingRead;
                    pendingRead = null;
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                return await FailAsync(sink, "broke off (" + ex.Message + ")", FailureReasons.StreamBrokeOff, cancellationToken);
            }

            watch.DataArrived();
            var buffer = result.Buffer;
            bool done = false, cut = false;
            while (!done && !cut && !mapper.Failed && parser.TryReadEvent(ref buffer, out var sseEvent))
            {
                done = mapper.Map(sseEvent, sink);

                // An injected cut: the upstream breaks off right after this event (unless it was the last).
                cut = ++relayed == cutAfter && !done;
            }

            done |= !cut && !mapper.Failed && result.IsCompleted && (mapper.EndsAtClose ? ClosedCleanly(buffer, sink) : EndsWithMarker(buffer, sink));
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (mapper.Failed)
            {
                // The upstream's own error is the in-band error the caller got: nothing is added, nothing more is read.
                await sink.FlushAsync(cancellationToken);
                return new RelayOutcome(mapper.Usage, Completed: false, FailureReasons.ErrorInStream);
            }

            if (cut)
            {
                return await FailAsync(sink, "broke off (" + InjectedFaults.CutDescription(options.Fault!) + ")", FailureReasons.StreamBrokeOff, cancellationToken);
            }

            if (done)
            {
                sink.Done();
                await sink.FlushAsync(cancellationToken);
                return new RelayOutcome(mapper.Usage, Completed: true);
            }

            await sink.FlushAsync(cancellationToken);
            if (result.IsCompleted)
            {
                return await FailAsync(sink, "ended the stream before its end marker", FailureReasons.StreamEndedEarly, cancellationToken);
            }
        }
    }

    /// <summary>
    /// A last event whose closing blank line never came still counts if it is the end marker, and is mapped
    /// like any other (a pass-through relays it: the caller's client may wait for it).
    /// </summary>
    private bool EndsWithMarker(ReadOnlySequence<byte> rest, IChunkSink sink)
    {
        if (!parser.TryReadFinalEvent(rest, out var last) || !mapper.IsEnd(last))
        {
            return false;
        }

        mapper.Map(last, sink);
        return true;
    }

    /// <summary>
    /// An upstream without an end marker closed its stream. Its own clients read such streams line by line,
    /// so a last event whose blank line never came is still mapped; anything else left over (a raw error
    /// body) means the stream did not end cleanly. The mapper then says whether the answer is complete.
    /// </summary>
    private bool ClosedCleanly(ReadOnlySequence<byte> rest, IChunkSink sink)
    {
        if (parser.TryReadFinalEvent(rest, out var last))
        {
            mapper.Map(last, sink);
            if (mapper.Failed)
            {
                return false;
            }
        }
        else if (!IsBlank(rest))
        {
            return false;
        }

        return mapper.Close(sink);
    }

    private static bool IsBlank(ReadOnlySequence<byte> rest)
    {
        foreach (var segment in rest)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private async Task<RelayOutcome> FailAsync(IChunkSink sink, string why, string reason, CancellationToken cancellationToken)
    {
        sink.Error(SseResponse.StreamCut(options.DeploymentName, why));
        await sink.FlushAsync(cancellationToken);
        return new RelayOutcome(mapper.Usage, Completed: false, reason);
    }

    public override void Dispose()
    {
        reader.Complete();
        upstream.Dispose();
        base.Dispose();
    }
}
