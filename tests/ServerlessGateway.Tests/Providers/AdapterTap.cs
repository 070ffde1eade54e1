using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using ServerlessGateway.Pipeline;
using ServerlessGateway.Providers;
using ServerlessGateway.Resilience;
using ServerlessGateway.Resilience.Faults;

namespace ServerlessGateway.Tests.Providers;

/// <summary>
/// Sits between the real gateway's pipeline and its real provider adapters: gives chosen attempts a
/// <see cref="FaultPlan"/> (as the routing layer will), and records what each attempt returned — the failure
/// with its reason and rate hints, or the response with its rate hints — which the caller never sees.
/// Pass <see cref="Install"/> as GatewayHost's services hook.
/// </summary>
public sealed class AdapterTap
{
    /// <summary>The fault for an attempt at a deployment (by name, e.g. "up0/upstream-gpt"); null for none.</summary>
    public Func<string, FaultPlan?> Faults { get; set; } = _ => null;

    public ConcurrentQueue<Attempt> Attempts { get; } = new();

    public UpstreamFailure Failure(int attempt = 0) => Attempts.ElementAt(attempt).Failure ?? throw new InvalidOperationException($"attempt {attempt} did not fail");

    public void Install(IServiceCollection services)
    {
        foreach (var registration in services.Where(d => d.ServiceType == typeof(IProviderAdapter)).ToList())
        {
            services.Remove(registration);
            services.AddSingleton<IProviderAdapter>(provider => new Tapped(Create(provider, registration), this));
        }
    }

    private static IProviderAdapter Create(IServiceProvider provider, ServiceDescriptor registration) =>
        (IProviderAdapter)(registration.ImplementationInstance
            ?? registration.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, registration.ImplementationType!));

    /// <param name="RateHints">The response's or the failure's.</param>
    public sealed record Attempt(string Deployment, UpstreamFailure? Failure, ProviderRateHints? RateHints);

    private sealed class Tapped(IProviderAdapter inner, AdapterTap tap) : IProviderAdapter
    {
        public string ProviderType => inner.ProviderType;

        public bool SpeaksNatively(CallerApi api) => inner.SpeaksNatively(api);

        public async Task<UpstreamResult> SendAsync(UpstreamCall call, CancellationToken cancellationToken)
        {
            var faulted = new UpstreamCall(call.Request, call.Deployment, call.RequestId, call.StreamKeepAlive) { Fault = tap.Faults(call.Deployment.Name) ?? call.Fault };
            var result = await inner.SendAsync(faulted, cancellationToken);
            tap.Attempts.Enqueue(new Attempt(call.Deployment.Name, result.Failure, result.Response?.RateHints ?? result.Failure?.RateHints));
            return result;
        }
    }
}
