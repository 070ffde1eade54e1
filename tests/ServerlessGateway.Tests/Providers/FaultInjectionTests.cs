using System.Diagnostics;
using System.Text.Json.Nodes;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers;

/// <summary>
/// Injected faults against a real HTTP provider (an OpenAI-compatible fake upstream), through the real
/// gateway: each does to the attempt what the real fault would, so failover and the caller's error follow.
/// The mock's side is <see cref="MockFaultTests"/>.
/// </summary>
public sealed class FaultInjectionTests
{
    private const string Chat = """{"model":"gpt","messages":[{"role":"user","content":"hi"}]}""";
    private const string StreamChat = """{"model":"gpt","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
    private const string Primary = "up0/upstream-gpt";

    [Fact]
    public async Task A_status_fault_sends_nothing_and_fails_as_that_answer_would_with_its_retry_after()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion()));
        var tap = new AdapterTap { Faults = _ => new FaultPlan(FaultKind.Status) { Status = 503, RetryAfterSeconds = 7 } };
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)), services: tap.Install);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        Assert.Equal($"Injected fault (config): status 503 for deployment '{Primary}'.", await Json.AssertErrorAsync(response, 503, "injected_fault"));
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Empty(upstream.Requests);
        var failure = tap.Failure();
        Assert.Equal(("status 503", FailureAction.TryNextDeployment), (failure.Reason, failure.Action));
        Assert.Equal(new ProviderRateHints { RetryAfter = TimeSpan.FromSeconds(7) }, failure.RateHints);
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(401, true)]
    [InlineData(400, false)]
    public async Task A_status_fault_is_classified_like_the_real_status(int status, bool failsOver)
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from primary")));
        await using var spare = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from spare")));
        var tap = new AdapterTap { Faults = name => name == Primary ? new FaultPlan(FaultKind.Status) { Status = status, Source = "header" } : null };
        await using var gateway = await GatewayHost.StartAsync(TwoDeployments(primary, spare), services: tap.Install);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        if (failsOver)
        {
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Contains("from spare", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith("Injected fault (header): status 400", await Json.AssertErrorAsync(response, 400, "injected_fault"), StringComparison.Ordinal);
            Assert.Empty(spare.Requests);
        }

        Assert.Empty(primary.Requests);
    }

    [Fact]
    public async Task A_delay_fault_holds_the_request_before_it_is_sent()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("late but fine")));
        var tap = new AdapterTap { Faults = _ => new FaultPlan(FaultKind.Delay) { Delay = TimeSpan.FromSeconds(0.4) } };
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)), services: tap.Install);
        var clock = Stopwatch.StartNew();

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.4), clock.Elapsed.ToString());
        Assert.Single(upstream.Requests);
    }

    [Fact]
    public async Task A_delay_fault_counts_against_the_first_token_limit_and_fails_over()
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from primary")));
        await using var spare = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from spare")));
        var tap = new AdapterTap { Faults = name => name == Primary ? new FaultPlan(FaultKind.Delay) { Delay = TimeSpan.FromSeconds(5) } : null };
        var config = TwoDeployments(primary, spare);
        config["Gateway"]!["Models"]!["gpt"]!["Deployments"]![0]!["Timeouts"] = new JsonObject { ["FirstTokenSeconds"] = 0.3 };
        await using var gateway = await GatewayHost.StartAsync(config, services: tap.Install);
        var clock = Stopwatch.StartNew();

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        Assert.Contains("from spare", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), clock.Elapsed.ToString());
        Assert.Equal(FailureReasons.FirstTokenTimeout, tap.Failure().Reason);
        Assert.Empty(primary.Requests);
    }

    [Fact]
    public async Task A_cut_before_the_first_event_fails_over_and_the_caller_sees_a_clean_answer_from_the_next()
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Sse(c, [OpenAIWire.Chunk("from primary", "stop", role: true)]));
        await using var spare = await FakeUpstream.StartAsync(c => Respond.Sse(c, [OpenAIWire.Chunk("from spare", "stop", role: true)]));
        var tap = new AdapterTap { Faults = name => name == Primary ? new FaultPlan(FaultKind.Cut) { CutAfterChunks = 0 } : null };
        await using var gateway = await GatewayHost.StartAsync(TwoDeployments(primary, spare), services: tap.Install);

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamChat);
        using (response)
        using (events)
        {
            Assert.Equal([OpenAIWire.Chunk("from spare", "stop", role: true), "[DONE]"], await events.RestAsync());
            Assert.Equal("up1/upstream-spare", response.Headers.GetValues("x-gateway-deployment").Single());
        }

        var failure = tap.Failure();
        Assert.Equal(FailureReasons.StreamFailedBeforeFirstEvent, failure.Reason);
        Assert.EndsWith("the stream broke before its first event: Injected fault (config): cut after 0 event(s)", failure.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_cut_after_events_were_relayed_ends_with_an_error_event_and_no_done(int cutAfter)
    {
        string[] chunks = [OpenAIWire.Chunk("one", role: true), OpenAIWire.Chunk(" two"), OpenAIWire.Chunk(" three"), OpenAIWire.Chunk(" four", "stop")];
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Sse(c, chunks));
        var tap = new AdapterTap { Faults = _ => new FaultPlan(FaultKind.Cut) { CutAfterChunks = cutAfter, Source = "header" } };
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)), services: tap.Install);

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamChat);
        using (response)
        using (events)
        {
            var all = await events.RestAsync();
            Assert.Equal(chunks[..cutAfter], all[..^1]);
            var error = JsonNode.Parse(all[^1])!["error"]!;
            Assert.Equal("upstream_stream_incomplete", error["code"]!.GetValue<string>());
            Assert.Equal($"The upstream deployment '{Primary}' broke off (Injected fault (header): cut after {cutAfter} event(s)); the answer above is incomplete.", error["message"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_cut_past_the_end_of_the_stream_leaves_it_complete()
    {
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Sse(c, [OpenAIWire.Chunk("short", "stop", role: true)]));
        var tap = new AdapterTap { Faults = _ => new FaultPlan(FaultKind.Cut) { CutAfterChunks = 2 } }; // the second event is [DONE]
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)), services: tap.Install);

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamChat);
        using (response)
        using (events)
        {
            Assert.Equal([OpenAIWire.Chunk("short", "stop", role: true), "[DONE]"], await events.RestAsync());
        }
    }

    [Fact]
    public async Task A_cut_JSON_answer_is_refused_as_invalid_JSON_and_fails_over()
    {
        await using var primary = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from primary")));
        await using var spare = await FakeUpstream.StartAsync(c => Respond.Json(c, 200, OpenAIWire.Completion("from spare")));
        var tap = new AdapterTap { Faults = name => name == Primary ? new FaultPlan(FaultKind.Cut) : null };
        await using var gateway = await GatewayHost.StartAsync(TwoDeployments(primary, spare), services: tap.Install);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        Assert.Contains("from spare", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var failure = tap.Failure();
        Assert.Equal((FailureReasons.InvalidJson, "upstream_invalid_response"), (failure.Reason, failure.Error.Code));
        Assert.Single(primary.Requests); // unlike a status fault, the request went out: the answer broke
    }

    [Fact]
    public async Task An_admins_fault_header_cuts_a_real_stream()
    {
        // Routing/FaultDrillTests drills status faults end to end; this is the cut, from header to relay.
        string[] chunks = [OpenAIWire.Chunk("one", role: true), OpenAIWire.Chunk(" two", "stop")];
        await using var upstream = await FakeUpstream.StartAsync(c => Respond.Sse(c, chunks));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(("gpt", upstream.BaseUrl)));
        using var admin = gateway.CreateClient(GatewayHost.MasterKey);
        admin.DefaultRequestHeaders.Add("x-gateway-fault", "cut=1");

        var (response, events) = await SseClient.OpenAsync(admin, "/v1/chat/completions", StreamChat);
        using (response)
        using (events)
        {
            var all = await events.RestAsync();
            Assert.Equal(chunks[0], all[0]);
            Assert.Equal(2, all.Count);
            Assert.Contains("Injected fault (header): cut after 1 event(s)", JsonNode.Parse(all[1])!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    private static JsonObject TwoDeployments(FakeUpstream primary, FakeUpstream spare)
    {
        var config = GatewayHost.Config(("gpt", primary.BaseUrl), ("spare", spare.BaseUrl));
        config["Gateway"]!["Models"]!["gpt"] = GatewayHost.Deployments(("up0", "upstream-gpt"), ("up1", "upstream-spare"));
        return config;
    }
}
