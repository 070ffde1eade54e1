namespace ServerlessGateway.Configuration;

/// <summary>
/// A fault one deployment injects into a share of its attempts (Gateway:Models:&lt;m&gt;:Deployments:&lt;i&gt;:Faults), so
/// operators can watch their fallbacks work in staging before a real outage does it. Compiled into
/// <see cref="Resilience.Faults.FaultRules"/>; the rates of one deployment's faults add up to at most 1.
/// </summary>
public sealed class FaultOptions
{
    /// <summary>"status", "delay" or "cut".</summary>
    public string? Kind { get; set; }

    /// <summary>Share of attempts, 0 to 1. Required: a fault without a rate would silently never happen.</summary>
    public double? Rate { get; set; }

    /// <summary>Status faults: the HTTP error status the attempt fails with (400–599; default 503).</summary>
    public int? Status { get; set; }

    /// <summary>Status faults: the Retry-After the failure carries, in seconds.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>Delay faults (required): how long the request is held before it is sent.</summary>
    public int? DelayMs { get; set; }

    /// <summary>Cut faults: stream events relayed before the answer breaks off (default 1; 0 breaks it before the first).</summary>
    public int? CutAfterChunks { get; set; }
}
