using System.Diagnostics;
using System.Text.Json.Nodes;
using ServerlessGateway.Tests.Infrastructure;

namespace ServerlessGateway.Tests.Hosting;

/// <summary>
/// The published output is an Azure Functions custom-handler package: host.json, one folder per
/// function and the executable host.json names, together at the root; and that executable serves
/// on the port the Functions host gives it.
/// </summary>
public sealed class PublishedPackageTests : IClassFixture<PublishedPackageTests.Package>
{
    private readonly Package package;

    public PublishedPackageTests(Package package) => this.package = package;

    [Fact]
    public void Host_json_is_a_proxying_custom_handler_with_no_route_prefix()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(package.Directory, "host.json")))!;

        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.True(host["customHandler"]!["enableProxyingHttpRequest"]!.GetValue<bool>());
        Assert.Null(host["customHandler"]!["enableForwardingHttpRequest"]); // it buffers responses: no streaming
        Assert.Equal("", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        var executable = Path.Combine(package.Directory, host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>());
        Assert.True(File.Exists(executable), executable + " is missing");
        if (!OperatingSystem.IsWindows())
        {
            Assert.True((File.GetUnixFileMode(executable) & UnixFileMode.UserExecute) != 0, "the executable bit is not set");
        }
    }

    [Fact]
    public void Every_http_function_folder_holds_one_anonymous_prefixed_http_trigger_and_one_http_output()
    {
        var functions = FunctionBindings().Where(f => !IsTimer(f.Bindings)).ToList();

        Assert.Equal(["admin", "health", "health-ready", "utils", "v1"], functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var (_, bindings) in functions)
        {
            Assert.Equal(2, bindings.Count); // any extra binding drops the function to buffered mode
            var trigger = bindings.Single(b => b!["type"]!.GetValue<string>() == "httpTrigger")!;
            Assert.Equal("anonymous", trigger["authLevel"]!.GetValue<string>());
            var route = trigger["route"]!.GetValue<string>();
            Assert.False(route.StartsWith('{'), $"{route}: a bare catch-all would expose the host's internal endpoints");
            Assert.Single(bindings, b => b!["type"]!.GetValue<string>() == "http" && b["direction"]!.GetValue<string>() == "out");
        }
    }

    [Fact]
    public void Every_timer_function_folder_holds_one_timer_trigger_that_the_app_answers_at_its_name()
    {
        var timers = FunctionBindings().Where(f => IsTimer(f.Bindings)).ToList();

        // The host invokes a custom handler's non-HTTP function at POST /{folder name}: the app maps that route.
        Assert.Equal([ServerlessGateway.Endpoints.Admin.Jobs.HealthProbeEndpoints.FunctionName], timers.Select(f => f.Name));
        foreach (var (_, bindings) in timers)
        {
            var trigger = Assert.Single(bindings)!;
            Assert.Equal("in", trigger["direction"]!.GetValue<string>());
            Assert.Equal(6, trigger["schedule"]!.GetValue<string>().Split(' ').Length); // NCRONTAB with seconds
        }

        // No HTTP function's route leads to a timer's invocation route: callers cannot reach it through the host.
        var routes = FunctionBindings().SelectMany(f => f.Bindings).Where(b => b!["type"]!.GetValue<string>() == "httpTrigger").Select(b => b!["route"]!.GetValue<string>());
        Assert.DoesNotContain(routes, route => timers.Any(t => route.Split('/')[0] == t.Name));
    }

    private List<(string Name, JsonArray Bindings)> FunctionBindings() =>
        [.. Directory.GetDirectories(package.Directory)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(d => (Path.GetFileName(d), JsonNode.Parse(File.ReadAllText(Path.Combine(d, "function.json")))!["bindings"]!.AsArray()))];

    private static bool IsTimer(JsonArray bindings) => bindings.Any(b => b!["type"]!.GetValue<string>() == "timerTrigger");

    [Fact]
    public async Task The_executable_listens_on_the_custom_handler_port_and_serves_the_default_mock()
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Path.Combine(package.Directory, "ServerlessGateway")) { WorkingDirectory = package.Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment.Remove("GATEWAY_CONFIG");
        start.Environment.Remove("ASPNETCORE_URLS");
        using var process = Process.Start(start)!;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var stopwatch = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var ping = await client.GetAsync("/");
                    if (ping.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (stopwatch.Elapsed < TimeSpan.FromSeconds(20))
                {
                    await Task.Delay(100);
                }
            }

            client.DefaultRequestHeaders.Authorization = new("Bearer", "sk-gateway-local");
            using var response = await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"mock-echo","messages":[{"role":"user","content":"ping"}]}"""));
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("ping", (await Json.ReadAsync(response))["choices"]![0]!["message"]!["content"]!.GetValue<string>());
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), "start-up took " + stopwatch.Elapsed);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Publishes the app once for the tests in this class.</summary>
    public sealed class Package : IDisposable
    {
        public Package()
        {
            Directory = Path.Combine(Path.GetTempPath(), "gateway-publish-" + Guid.NewGuid().ToString("N"));
            var start = new ProcessStartInfo("dotnet", ["publish", RepositoryPaths.AppProject, "-c", "Release", "-o", Directory, "--nologo", "-p:UseAppHost=true"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)) || process.ExitCode != 0)
            {
                throw new InvalidOperationException("dotnet publish failed:\n" + output.Result + errors.Result);
            }
        }

        public string Directory { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
