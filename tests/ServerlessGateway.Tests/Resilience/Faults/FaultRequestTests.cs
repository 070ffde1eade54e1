using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Auth;
using ServerlessGateway.Auth.Identity;
using ServerlessGateway.Configuration;
using ServerlessGateway.Resilience.Faults;
using ServerlessGateway.Routing;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Resilience.Faults;

public sealed class FaultRequestTests
{
    private static readonly CallerIdentity Admin = new("master", isAdmin: true, null);
    private static readonly CallerIdentity User = new("app", isAdmin: false, FrozenSet<string>.Empty);

    private static HttpRequest Request(params string[] faultHeaders)
    {
        var context = new DefaultHttpContext();
        if (faultHeaders.Length > 0)
        {
            context.Request.Headers[FaultRequest.Header] = faultHeaders;
        }

        return context.Request;
    }

    public static TheoryData<string, string, int, int?, double, int, double, string?> Valid => new()
    {
        // header, kind, status, retry-after, delay ms, cut after, rate, deployment
        { "status=503; rate=1; retry-after=2", "Status", 503, 2, 0, 1, 1.0, null },
        { "status=429", "Status", 429, null, 0, 1, 1.0, null },
        { " STATUS = 500 ;RATE=0.25; ", "Status", 500, null, 0, 1, 0.25, null },
        { "delay=250ms", "Delay", 503, null, 250, 1, 1.0, null },
        { "delay=1.5s; rate=.5", "Delay", 503, null, 1500, 1, 0.5, null },
        { "cut=2; deployment=openai/gpt-4o-mini", "Cut", 503, null, 0, 2, 1.0, "openai/gpt-4o-mini" },
        { "cut=0; rate=0", "Cut", 503, null, 0, 0, 0.0, null },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void An_admin_header_is_read_into_a_fault_plan(string header, string kind, int status, int? retryAfter, double delayMs, int cut, double rate, string? deployment)
    {
        var request = FaultRequest.Read(Request(header), Admin, out var error);

        Assert.Null(error);
        Assert.NotNull(request);
        Assert.Equal(Enum.Parse<FaultKind>(kind), request.Plan.Kind);
        Assert.Equal((status, retryAfter, delayMs, cut), (request.Plan.Status, request.Plan.RetryAfterSeconds, request.Plan.Delay.TotalMilliseconds, request.Plan.CutAfterChunks));
        Assert.Equal((rate, deployment, "header"), (request.Rate, request.Deployment, request.Plan.Source));
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "it is empty." },
        { " ; ", "it is empty." },
        { "status", "'status' is not name=value." },
        { "=5", "'=5' is not name=value." },
        { "status=503; color=red", "unknown setting 'color'; use status, delay, cut, rate, retry-after, deployment." },
        { "status=503; status=500", "'status' is given twice." },
        { "rate=0.5", "name one fault: status=<400-599>, delay=<n>ms or cut=<chunks>." },
        { "status=503; delay=10ms", "name one fault, not status and delay." },
        { "status=200", "status must be an HTTP error status from 400 to 599; it is '200'." },
        { "status=abc", "status must be an HTTP error status from 400 to 599; it is 'abc'." },
        { "delay=250", "delay must be a duration such as 250ms or 2s, up to 600 s; it is '250'." },
        { "delay=0ms", "delay must be a duration such as 250ms or 2s, up to 600 s; it is '0ms'." },
        { "delay=11m", "delay must be a duration such as 250ms or 2s, up to 600 s; it is '11m'." },
        { "delay=601s", "delay must be a duration such as 250ms or 2s, up to 600 s; it is '601s'." },
        { "cut=-1", "cut must be the number of stream events to relay before the answer breaks off (0 or more); it is '-1'." },
        { "cut=two", "cut must be the number of stream events to relay before the answer breaks off (0 or more); it is 'two'." },
        { "status=503; rate=1.5", "rate must be a number from 0 to 1; it is '1.5'." },
        { "status=503; rate=-0.1", "rate must be a number from 0 to 1; it is '-0.1'." },
        { "status=503; rate=NaN", "rate must be a number from 0 to 1; it is 'NaN'." },
        { "status=503; rate=", "rate must be a number from 0 to 1; it is ''." },
        { "delay=5ms; retry-after=1", "retry-after applies only to a status fault." },
        { "status=503; retry-after=soon", "retry-after must be whole seconds from 0 to 86400; it is 'soon'." },
        { "status=503; deployment=", "deployment must name a deployment as provider/model." },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_header_is_a_400_that_names_the_problem(string header, string problem)
    {
        var request = FaultRequest.Read(Request(header), Admin, out var error);

        Assert.Null(request);
        Assert.NotNull(error);
        Assert.Equal((400, "invalid_request_error", "invalid_fault_header", "x-gateway-fault"), (error.Status, error.Type, error.Code, error.Param));
        Assert.Equal("The x-gateway-fault header is malformed: " + problem, error.Message);
    }

    [Fact]
    public void Two_headers_are_refused_and_no_header_is_no_request()
    {
        Assert.Equal(400, (FaultRequest.Read(Request("status=503", "cut=1"), Admin, out var twice) is null ? twice : null)?.Status);
        Assert.Null(FaultRequest.Read(Request(), Admin, out var none));
        Assert.Null(none);
        Assert.Null(FaultRequest.Read(Request(), User, out var noneForUser));
        Assert.Null(noneForUser);
    }

    [Fact]
    public void A_key_that_is_not_an_admin_key_gets_403_whatever_the_header_says()
    {
        foreach (var header in new[] { "status=503", "nonsense" })
        {
            Assert.Null(FaultRequest.Read(Request(header), User, out var error));
            Assert.Equal((403, "permission_error", "fault_injection_forbidden"), (error!.Status, error.Type, error.Code));
        }
    }

    [Fact]
    public async Task Keys_resolved_by_the_real_gateway_are_told_apart_and_the_injector_uses_its_random_source()
    {
        var random = new ScriptedRandomSource(0.25);
        await using var host = await GatewayHost.StartAsync(GatewayHost.Config(), services: s => s.AddSingleton<IRandomSource>(random));
        var identities = host.Services.GetRequiredService<IIdentityResolver>();
        var snapshot = host.Services.GetRequiredService<GatewayConfigStore>().Current;

        async Task<(FaultRequest?, GatewayErrorStatus)> ReadAsync(string key)
        {
            var request = Request("status=503; rate=0.5");
            request.Headers.Authorization = "Bearer " + key;
            var caller = (await identities.ResolveAsync(request, snapshot, CancellationToken.None)).Caller!;
            return (FaultRequest.Read(request, caller, out var error), new GatewayErrorStatus(error?.Status));
        }

        var (adminRequest, adminError) = await ReadAsync(GatewayHost.MasterKey);
        var (_, userError) = await ReadAsync(GatewayHost.Key);

        Assert.Equal(new GatewayErrorStatus(null), adminError);
        Assert.Equal(new GatewayErrorStatus(403), userError);
        var deployment = snapshot.Models["mock-echo"].Deployments[0];
        Assert.Equal(503, host.Services.GetRequiredService<FaultInjector>().Plan(deployment, adminRequest)?.Status); // 0.25 < 0.5
        Assert.Equal(1, random.Draws);
    }

    private readonly record struct GatewayErrorStatus(int? Status);
}
