namespace ServerlessGateway.Configuration;

/// <summary>
/// The time limits of one attempt at a deployment, resolved when the configuration is loaded. None is
/// longer than <see cref="Total"/>: the total bounds every phase, so a longer one could never apply.
/// </summary>
public sealed record DeploymentTimeouts
{
    /// <summary>
    /// Opening a TCP connection (DNS included) rarely takes more than a second when the host is up; ten
    /// leave room for a slow resolver or a distant region while still giving up on a dead host long before
    /// the total would.
    /// </summary>
    public static readonly TimeSpan DefaultConnect = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A stream that has started and then says nothing (no token, no ping, no keep-alive) for a minute is stuck;
    /// models that think at length do it before their first token, which the first-token limit governs.
    /// </summary>
    public static readonly TimeSpan DefaultIdle = TimeSpan.FromSeconds(60);

    /// <summary>Long enough for a long non-streamed answer from a large model; the gateway's limit before this change.</summary>
    public static readonly TimeSpan DefaultTotal = TimeSpan.FromSeconds(120);

    /// <summary>The limits of a deployment that configures none; the first token may take the whole total.</summary>
    public static DeploymentTimeouts Default { get; } = new(DefaultConnect, DefaultTotal, DefaultIdle, DefaultTotal);

    /// <summary>Any limit longer than <paramref name="total"/> is shortened to it.</summary>
    public DeploymentTimeouts(TimeSpan connect, TimeSpan firstToken, TimeSpan idle, TimeSpan total)
    {
        Total = total;
        Connect = connect < total ? connect : total;
        FirstToken = firstToken < total ? firstToken : total;
        Idle = idle < total ? idle : total;
    }

    /// <summary>Until a new connection's TCP handshake completes (a pooled connection skips it).</summary>
    public TimeSpan Connect { get; }

    /// <summary>
    /// From the start of the call until the answer starts: a JSON answer's response headers, a stream's first
    /// event. Nothing has reached the caller yet, so passing it fails the attempt over to the next deployment.
    /// </summary>
    public TimeSpan FirstToken { get; }

    /// <summary>Between a started stream's events; passing it ends the stream with an in-band error.</summary>
    public TimeSpan Idle { get; }

    /// <summary>The whole call, a stream's relay included.</summary>
    public TimeSpan Total { get; }

    /// <summary>Whether the first token has a limit of its own, shorter than the total.</summary>
    public bool LimitsFirstToken => FirstToken < Total;
}
