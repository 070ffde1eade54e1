using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServerlessGateway.Alerts;
using ServerlessGateway.Auth.Identity;
using ServerlessGateway.Accounting.Ledger;
using ServerlessGateway.Caching;
using ServerlessGateway.Configuration;
using ServerlessGateway.Endpoints;
using ServerlessGateway.Governance;
using ServerlessGateway.Limits;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers;
using ServerlessGateway.Providers.Anthropic;
using ServerlessGateway.Providers.AzureOpenAI;
using ServerlessGateway.Providers.Gemini;
using ServerlessGateway.Providers.Http;
using ServerlessGateway.Providers.Mock;
using ServerlessGateway.Providers.OpenAICompatible;
using ServerlessGateway.Resilience.Faults;
using ServerlessGateway.Routing;
using ServerlessGateway.Routing.Health;
using ServerlessGateway.Routing.Probes;
using ServerlessGateway.Routing.Strategies;
using ServerlessGateway.Storage;
using ServerlessGateway.Tokenization;

namespace ServerlessGateway;

/// <summary>Builds the app: configuration, listener, services, routes. Program.cs and the tests both start here.</summary>
public static partial class GatewayApplication
{
    /// <summary>The key the embedded defaults accept when GATEWAY_DEV_KEY is not set.</summary>
    public const string DevelopmentKey = "sk-gateway-local";

    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddGatewayConfiguration(args);
        builder.ConfigureListener();

        // Per-request framework logs would cost more than the gateway itself; problems still log.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddGateway();
        configure?.Invoke(builder);

        var app = builder.Build();

        // Build the configuration snapshot and open the stores now: an invalid document or an unusable
        // store stops the app before it listens.
        var config = app.Services.GetRequiredService<GatewayConfigStore>();
        StorageStartup.OpenStores(app.Services);
        app.UseMiddleware<ErrorShapeMiddleware>();
        app.MapGatewayEndpoints();
        if (config.Current.Keys.Find(DevelopmentKey) is not null)
        {
            LogDevelopmentKey(app.Logger, DevelopmentKey);
        }

        return app;
    }

    /// <summary>
    /// Under Azure Functions the host tells the port in FUNCTIONS_CUSTOMHANDLER_PORT and proxies to it,
    /// so the app listens on loopback only. Standalone it honours --urls/ASPNETCORE_URLS, else port 5080.
    /// </summary>
    private static void ConfigureListener(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // the gateway enforces its own, configurable limit
        });

        var port = Environment.GetEnvironmentVariable(CustomHandlerPortVariable);
        if (int.TryParse(port, out var customHandlerPort))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{customHandlerPort}");
        }
        else if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
    }

    public static IServiceCollection AddGateway(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(EnvironmentReferences.Process);
        services.TryAddSingleton<IRandomSource, SharedRandomSource>();
        services.TryAddSingleton<Func<TokenCredential>>(() => new DefaultAzureCredential());
        services.AddSingleton<GatewaySnapshotBuilder>();
        services.AddSingleton<GatewayConfigStore>();
        services.AddSingleton<AzureTokenCache>();
        services.AddSingleton<ProviderRegistry>();
        services.AddSingleton<ProxyHandler>();
        AddRouting(services);
        services.AddSingleton<GovernanceServices>();
        services.AddSingleton<ITokenCounter, TokenCounter>();
        services.AddGatewayStorage();
        services.AddAlerts();
        services.AddGatewayIdentity();
        services.AddLedger();
        services.AddLimits();
        services.AddHealthProbes();
        services.AddResponseCache();

        services.AddSingleton<IProviderAdapter, MockAdapter>();
        services.AddSingleton<IProviderAdapter>(sp => new OpenAICompatibleAdapter(sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>(), ProviderTypes.OpenAI));
        services.AddSingleton<IProviderAdapter>(sp => new OpenAICompatibleAdapter(sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>(), ProviderTypes.OpenAICompatible));
        services.AddSingleton<IProviderAdapter, AzureOpenAIAdapter>();
        services.AddSingleton<IProviderAdapter, AnthropicAdapter>();
        services.AddSingleton<IProviderAdapter, GeminiAdapter>();

        // One pooled, long-lived connection pool for every upstream, opening connections with each
        // deployment's own connect time-out (UpstreamConnections).
        services.AddHttpClient(HttpProviderAdapter.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => UpstreamConnections.CreateHandler(sp.GetRequiredService<TimeProvider>()))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        return services;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The built-in development key {Key} is accepted. Set GATEWAY_DEV_KEY and GATEWAY_MASTER_KEY (or use your own configuration file) before exposing this gateway.")]
    private static partial void LogDevelopmentKey(ILogger logger, string key);

    private static void AddRouting(IServiceCollection services)
    {
        services.AddSingleton(sp => new DeploymentHealthRegistry(() => sp.GetRequiredService<GatewayConfigStore>().Current.Resilience.Breaker, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RoutePlanner>();
        services.AddSingleton<AttemptRunner>();
        services.AddSingleton<HedgedAttempts>();
        services.AddSingleton<CapacityWaiters>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<IProbeObserver, BreakerProbeObserver>();
        services.AddSingleton<RoutingStrategies>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, OrderedStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, WeightedStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, LowestLatencyStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, LeastBusyStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, LowestCostStrategy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRoutingStrategy, UsageHeadroomStrategy>());
    }
}
