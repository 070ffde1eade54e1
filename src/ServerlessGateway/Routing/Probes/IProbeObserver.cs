using ServerlessGateway.Configuration;

namespace ServerlessGateway.Routing.Probes;

/// <summary>
/// Told the result of every active health probe. Every registered observer hears every result (they are resolved as
/// an enumerable: the default one logs, routing's circuit breaker adds its own with AddSingleton&lt;IProbeObserver, …&gt;).
/// A deployment listed under several logical models is probed once, and reported with the first model's
/// <see cref="Deployment"/> object: observers that keep state per deployment key it by <see cref="Deployment.Name"/>.
/// Called from the probe job's worker tasks, possibly concurrently for different deployments; an observer that
/// throws is logged and does not keep the others from hearing the result.
/// </summary>
public interface IProbeObserver
{
    void OnProbe(Deployment deployment, ProbeResult result);
}

/// <summary>
/// One probe's outcome. <paramref name="Healthy"/>: the deployment answered — with an answer, or with a refusal of the
/// probe's request itself (a 400 says the deployment is up and judging requests; the probe's shape is what it refused).
/// <paramref name="Status"/>: the HTTP status the attempt ended with, when there was one (none for a time-out).
/// <paramref name="Reason"/>: why it is unhealthy (or what it refused), null for a plain success.
/// </summary>
public sealed record ProbeResult(bool Healthy, TimeSpan Latency, int? Status, string? Reason);
