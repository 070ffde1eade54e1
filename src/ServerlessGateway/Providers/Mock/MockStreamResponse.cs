using System.Buffers;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers.Faults;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;

namespace ServerlessGateway.Providers.Mock;

/// <summary>
/// The mock's stream: role first, the answer a few words per chunk, finish_reason, usage if asked, [DONE].
/// Its pauses between chunks fall under the deployment's idle and total limits, and an injected cut breaks
/// it off, as they would a real upstream's stream (the same in-band error, the same reasons).
/// </summary>
/// <param name="started">When the call started (a timestamp of <paramref name="time"/>): the total counts from here.</param>
internal sealed class MockStreamResponse(MockReply reply, UpstreamCall call, long started, TimeProvider time) : UpstreamResponse
{
    public override async Task<RelayOutcome> WriteAsync(HttpResponse response, ICallerFormat format, CancellationToken cancellationToken)
    {
        var options = call.Deployment.Provider.Mock;
        var chunkDelay = TimeSpan.FromMilliseconds(options.ChunkDelayMs);
        var cutAfter = InjectedFaults.CutAfterEvents(call.Fault);
        var sent = 0;
        var sink = format.StartStream(response);
        var pieces = reply.ToolName is null ? MockText.Chunks(reply.Text, options.WordsPerChunk) : [""];
        for (var choice = 0; choice < reply.Choices; choice++)
        {
            for (var i = 0; i < pieces.Count; i++)
            {
                if (chunkDelay > TimeSpan.Zero && (i > 0 || choice > 0) && await PauseAsync(chunkDelay, cancellationToken) is { } timedOut)
                {
                    return await FailAsync(sink, timedOut.Why, timedOut.Reason, cancellationToken);
                }

                sink.Chunk(new ReadOnlySequence<byte>(MockJson.Chunk(reply, choice, pieces[i], first: i == 0, last: i == pieces.Count - 1)));
                await sink.FlushAsync(cancellationToken);
                if (++sent == cutAfter)
                {
                    return await FailAsync(sink, "broke off (" + InjectedFaults.CutDescription(call.Fault!) + ")", FailureReasons.StreamBrokeOff, cancellationToken);
                }
            }
        }

        if (((ChatRequest)call.Request).CallerWantsStreamUsage)
        {
            sink.Chunk(new ReadOnlySequence<byte>(MockJson.UsageChunk(reply)));
            if (++sent == cutAfter)
            {
                return await FailAsync(sink, "broke off (" + InjectedFaults.CutDescription(call.Fault!) + ")", FailureReasons.StreamBrokeOff, cancellationToken);
            }
        }

        sink.Done();
        await sink.FlushAsync(cancellationToken);
        return new RelayOutcome(reply.Usage, Completed: true);
    }

    /// <summary>Waits out a pause between chunks, unless the idle or total limit ends the stream first (then says which).</summary>
    private async Task<(string Why, string Reason)?> PauseAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        var timeouts = call.Deployment.Timeouts;
        var left = timeouts.Total - time.GetElapsedTime(started);
        if (pause >= timeouts.Idle && timeouts.Idle < left)
        {
            await Task.Delay(timeouts.Idle, time, cancellationToken);
            return (UpstreamTimeouts.IdleCut(timeouts.Idle), FailureReasons.IdleTimeout);
        }

        if (pause >= left)
        {
            await Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, time, cancellationToken);
            return (UpstreamTimeouts.TotalCut(timeouts.Total), FailureReasons.Timeout);
        }

        await Task.Delay(pause, time, cancellationToken);
        return null;
    }

    /// <summary>Like a real stream that broke: an in-band error, no [DONE], and no usage (it would have come last).</summary>
    private async Task<RelayOutcome> FailAsync(IChunkSink sink, string why, string reason, CancellationToken cancellationToken)
    {
        sink.Error(SseResponse.StreamCut(call.Deployment.Name, why));
        await sink.FlushAsync(cancellationToken);
        return new RelayOutcome(null, Completed: false, reason);
    }
}
