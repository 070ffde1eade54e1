using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ServerlessGateway.Alerts;

public static class AlertServices
{
    /// <summary>Budget alerts delivered to the configured webhooks (IAlertPublisher), with their own HTTP client.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddSingleton<WebhookAlertPublisher>();
        services.AddSingleton<IAlertPublisher>(sp => sp.GetRequiredService<WebhookAlertPublisher>());
        services.TryAddSingleton(WebhookRetryPolicy.Default);
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookDeliveryService>();

        // Apart from the upstream pool: a slow chat webhook must not hold model connections, and the reverse.
        services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(5),
            })
            .RemoveAllLoggers();
        return services;
    }
}
