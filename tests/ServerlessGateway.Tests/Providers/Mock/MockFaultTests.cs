using System.Text.Json.Nodes;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Providers.Mock;

/// <summary>
/// The mock carries out injected faults and keeps to its deployment's time limits as a real upstream would
/// (the same failures, reasons and in-band errors), so fallbacks can be rehearsed on the default setup.
/// Model "duo" is served by mock "a" first and mock "b" second.
/// </summary>
public sealed class MockFaultTests
{
    private const string First = "a/echo";
    private const string Chat = """{"model":"duo","messages":[{"role":"user","content":"one two three four"}]}""";
    private const string StreamChat = """{"model":"duo","stream":true,"messages":[{"role":"user","content":"one two three four"}]}""";

    [Fact]
    public async Task A_status_fault_fails_over_with_the_statuss_classification_and_retry_after()
    {
        var tap = new AdapterTap { Faults = name => name == First ? new FaultPlan(FaultKind.Status) { Status = 429, RetryAfterSeconds = 3 } : null };
        await using var gateway = await GatewayHost.StartAsync(Config(), services: tap.Install);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("b/echo", response.Headers.GetValues("x-gateway-deployment").Single());
        var failure = tap.Failure();
        Assert.Equal(("status 429", FailureAction.TryNextDeployment, 3), (failure.Reason, failure.Action, failure.Error.RetryAfterSeconds));
        Assert.Equal(TimeSpan.FromSeconds(3), failure.RateHints?.RetryAfter);
        Assert.Equal($"Injected fault (config): status 429 for deployment '{First}'.", failure.Error.Message);
    }

    [Fact]
    public async Task A_status_fault_on_the_only_deployment_reaches_the_caller()
    {
        var tap = new AdapterTap { Faults = _ => new FaultPlan(FaultKind.Status) { Status = 500 } };
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.Config(), services: tap.Install);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", """{"model":"mock-echo","messages":[{"role":"user","content":"hi"}]}""");

        Assert.StartsWith("Injected fault (config): status 500", await Json.AssertErrorAsync(response, 500, "injected_fault"), StringComparison.Ordinal);
        Assert.Null(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_delay_past_the_first_token_limit_is_a_first_token_timeout_and_fails_over()
    {
        var tap = new AdapterTap { Faults = name => name == First ? new FaultPlan(FaultKind.Delay) { Delay = TimeSpan.FromSeconds(30) } : null };
        var config = Config();
        config["Gateway"]!["Providers"]!["a"]!["Timeouts"] = new JsonObject { ["FirstTokenSeconds"] = 0.2 };
        await using var gateway = await GatewayHost.StartAsync(config, services: tap.Install);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Chat);

        Assert.Equal("b/echo", response.Headers.GetValues("x-gateway-deployment").Single());
        var failure = tap.Failure();
        Assert.Equal(FailureReasons.FirstTokenTimeout, failure.Reason);
        Assert.Equal($"The upstream deployment '{First}' did not start its answer within 0.2 s (first-token time-out).", failure.Error.Message);
    }

    [Fact]
    public async Task A_cut_before_the_first_event_fails_over_to_a_clean_stream()
    {
        var tap = new AdapterTap { Faults = name => name == First ? new FaultPlan(FaultKind.Cut) { CutAfterChunks = 0 } : null };
        await using var gateway = await GatewayHost.StartAsync(Config(), services: tap.Install);

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamChat);
        using (response)
        using (events)
        {
            var all = await events.RestAsync();
            Assert.Equal("[DONE]", all[^1]);
            Assert.Equal("b/echo", response.Headers.GetValues("x-gateway-deployment").Single());
        }

        Assert.Equal(FailureReasons.StreamFailedBeforeFirstEvent, tap.Failure().Reason);
    }

    [Fact]
    public async Task A_cut_after_two_chunks_ends_with_an_error_event_and_no_done()
    {
        var tap = new AdapterTap { Faults = _ => new FaultPlan(FaultKind.Cut) { CutAfterChunks = 2 } };
        await using var gateway = await GatewayHost.StartAsync(Config(), services: tap.Install);

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamChat);
        using (response)
        using (events)
        {
            var all = await events.RestAsync();
            Assert.Equal(3, all.Count);
            Assert.Equal("one two ", string.Concat(all[..2].Select(chunk => JsonNode.Parse(chunk)!["choices"]![0]!["delta"]!["content"]!.GetValue<string>())));
            var error = JsonNode.Parse(all[2])!["error"]!;
            Assert.Equal("upstream_stream_incomplete", error["code"]!.GetValue<string>());
            Assert.Equal($"The upstream deployment '{First}' broke off (Injected fault (config): cut after 2 event(s)); the answer above is incomplete.", error["message"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("/v1/chat/completions", Chat)]
    [InlineData("/v1/embeddings", """{"model":"mock-embedding","input":"hello"}""")]
    public async Task A_cut_JSON_answer_is_refused_as_invalid_JSON(string path, string body)
    {
        var tap = new AdapterTap { Faults = _ => new FaultPlan(FaultKind.Cut) };
        await using var gateway = await GatewayHost.StartAsync(Config(), services: tap.Install);

        using var response = await gateway.Client.PostAsync(path, body);

        Assert.Contains("the answer is not JSON", await Json.AssertErrorAsync(response, 502, "upstream_invalid_response"), StringComparison.Ordinal);
        Assert.All(tap.Attempts, attempt => Assert.Equal(FailureReasons.InvalidJson, attempt.Failure?.Reason));
    }

    [Fact]
    public async Task A_pause_between_chunks_past_the_idle_limit_ends_the_stream_in_band()
    {
        var config = Config();
        config["Gateway"]!["Providers"]!["a"]!["Mock"] = new JsonObject { ["ChunkDelayMs"] = 5000 };
        config["Gateway"]!["Providers"]!["a"]!["Timeouts"] = new JsonObject { ["IdleSeconds"] = 0.3 };
        await using var gateway = await GatewayHost.StartAsync(config);

        var (response, events) = await SseClient.OpenAsync(gateway.Client, "/v1/chat/completions", StreamChat);
        using (response)
        using (events)
        {
            var all = await events.RestAsync().WaitAsync(TimeSpan.FromSeconds(4));
            Assert.Equal(2, all.Count);
            Assert.Equal($"The upstream deployment '{First}' sent nothing for 0.3 s (idle time-out); the answer above is incomplete.", JsonNode.Parse(all[1])!["error"]!["message"]!.GetValue<string>());
        }
    }

    private static JsonObject Config()
    {
        var config = GatewayHost.Config();
        var gateway = config["Gateway"]!;
        gateway["Providers"]!["a"] = new JsonObject { ["Type"] = "mock" };
        gateway["Providers"]!["b"] = new JsonObject { ["Type"] = "mock" };
        gateway["Models"]!["duo"] = GatewayHost.Deployments(("a", "echo"), ("b", "echo"));
        gateway["Models"]!["mock-embedding"] = GatewayHost.Deployments(("a", "embedding"));
        return config;
    }
}
