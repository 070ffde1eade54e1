using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using ServerlessGateway.Configuration;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers;
using ServerlessGateway.Providers.Streaming;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Streaming;

/// <summary>
/// The relay on its own, fed by a pipe the test writes: how a committed stream ends when it goes silent, runs
/// out of time or is cut, and the short reason each outcome carries for the decision trace and usage record.
/// </summary>
public sealed class SseStreamRelayTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Silence_past_the_idle_limit_ends_the_stream_with_an_error_and_the_idle_reason()
    {
        var upstream = new Pipe();
        await Write(upstream, OpenAIWire.Chunk("a", role: true));

        var (outcome, body) = await RelayAsync(upstream, new DeploymentTimeouts(Long, Long, TimeSpan.FromSeconds(0.3), Long));

        Assert.Equal((false, FailureReasons.IdleTimeout), (outcome.Completed, outcome.Failure));
        Assert.StartsWith("data: " + OpenAIWire.Chunk("a", role: true) + "\n\n", body, StringComparison.Ordinal);
        Assert.Contains("sent nothing for 0.3 s (idle time-out)", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_still_running_at_its_total_ends_with_the_timeout_reason()
    {
        var upstream = new Pipe();
        await Write(upstream, OpenAIWire.Chunk("a", role: true));
        using var feeding = new CancellationTokenSource();
        var feeder = Task.Run(async () =>
        {
            while (!feeding.IsCancellationRequested)
            {
                await Task.Delay(50);
                await Write(upstream, OpenAIWire.Chunk("b"));
            }
        });

        // The idle limit is shortened to the total, so a slow feeder cannot end the stream as idle first.
        var (outcome, body) = await RelayAsync(upstream, new DeploymentTimeouts(Long, Long, Long, TimeSpan.FromSeconds(0.6)));
        await feeding.CancelAsync();
        await feeder;

        Assert.Equal((false, FailureReasons.Timeout), (outcome.Completed, outcome.Failure));
        Assert.Contains("did not finish its answer within 0.6 s (total time-out)", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cut_relays_exactly_that_many_events_then_the_error()
    {
        var upstream = new Pipe();
        await Write(upstream, OpenAIWire.Chunk("1", role: true), OpenAIWire.Chunk("2"), OpenAIWire.Chunk("3", "stop"), "[DONE]");

        var (outcome, body) = await RelayAsync(upstream, DeploymentTimeouts.Default, new FaultPlan(FaultKind.Cut) { CutAfterChunks = 2 });

        Assert.Equal((false, FailureReasons.StreamBrokeOff), (outcome.Completed, outcome.Failure));
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["data: " + OpenAIWire.Chunk("1", role: true), "data: " + OpenAIWire.Chunk("2")], events[..2]);
        Assert.Equal(3, events.Length);
        Assert.Contains("broke off (Injected fault (config): cut after 2 event(s))", events[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cut_before_the_first_event_fails_the_attempt_before_anything_is_read()
    {
        var upstream = new Pipe();
        await Write(upstream, OpenAIWire.Chunk("1", role: true));
        var options = new SseStreamRelayOptions("d", DeploymentTimeouts.Default, Long, TimeProvider.System) { Started = TimeProvider.System.GetTimestamp(), Fault = new FaultPlan(FaultKind.Cut) { CutAfterChunks = 0 } };

        var opened = await SseStreamRelay.OpenAsync(Response(upstream), new OpenAIPassThroughMapper(false), options, CancellationToken.None);

        Assert.Null(opened.Response);
        Assert.Equal((FailureReasons.StreamFailedBeforeFirstEvent, FailureAction.TryNextDeployment), (opened.Failure!.Reason, opened.Failure.Action));
    }

    private static async Task<(RelayOutcome Outcome, string Body)> RelayAsync(Pipe upstream, DeploymentTimeouts timeouts, FaultPlan? fault = null)
    {
        var time = TimeProvider.System;
        var options = new SseStreamRelayOptions("d", timeouts, Long, time) { Started = time.GetTimestamp(), Fault = fault };
        var opened = await SseStreamRelay.OpenAsync(Response(upstream), new OpenAIPassThroughMapper(false), options, CancellationToken.None);
        using var relay = opened.Response ?? throw new InvalidOperationException(opened.Failure!.Error.Message);
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;

        var outcome = await relay.WriteAsync(context.Response, OpenAICallerFormat.Instance, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        await context.Response.BodyWriter.FlushAsync();
        return (outcome, Encoding.UTF8.GetString(body.ToArray()));
    }

    private static HttpResponseMessage Response(Pipe upstream) => new() { Content = new StreamContent(upstream.Reader.AsStream()) };

    private static async Task Write(Pipe upstream, params string[] events)
    {
        foreach (var data in events)
        {
            await upstream.Writer.WriteAsync(Encoding.UTF8.GetBytes($"data: {data}\n\n"));
        }
    }
}
