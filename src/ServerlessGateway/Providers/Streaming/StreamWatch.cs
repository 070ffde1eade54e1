namespace ServerlessGateway.Providers.Streaming;

/// <summary>
/// The clock of a committed stream: when the caller is due a keep-alive, and whether the upstream has been
/// silent past the idle limit or the call has run past its total. The relay looks at it when its timer fires,
/// never per chunk; each timer is set for the nearest of those moments, so none is noticed late.
/// </summary>
internal struct StreamWatch
{
    /// <summary>The shortest timer (timers work in milliseconds and may fire a little early).</summary>
    private static readonly TimeSpan MinWait = TimeSpan.FromMilliseconds(1);

    private readonly TimeProvider time;
    private readonly TimeSpan idle;
    private readonly TimeSpan keepAlive;
    private readonly long deadline;
    private long lastData;
    private long lastWrite;

    public StreamWatch(SseStreamRelayOptions options)
    {
        time = options.Time;
        idle = options.Timeouts.Idle;
        keepAlive = options.KeepAlive;
        deadline = options.Deadline;
        lastData = lastWrite = time.GetTimestamp();
    }

    public enum Verdict
    {
        /// <summary>Nothing to do yet.</summary>
        Wait,

        /// <summary>The caller has heard nothing for the keep-alive interval: send it a comment.</summary>
        KeepAlive,

        /// <summary>The upstream has been silent past the idle limit.</summary>
        Idle,

        /// <summary>The call has run past its total time-out.</summary>
        Total,
    }

    /// <summary>The upstream sent something (which the caller then gets).</summary>
    public void DataArrived() => lastData = lastWrite = time.GetTimestamp();

    public readonly TimeSpan UntilNextCheck()
    {
        var now = time.GetTimestamp();
        var wait = keepAlive - time.GetElapsedTime(lastWrite, now);
        var untilIdle = idle - time.GetElapsedTime(lastData, now);
        var untilDeadline = time.GetElapsedTime(now, deadline);
        wait = untilIdle < wait ? untilIdle : wait;
        wait = untilDeadline < wait ? untilDeadline : wait;
        return wait > MinWait ? wait : MinWait;
    }

    public Verdict Check()
    {
        var now = time.GetTimestamp();
        if (now >= deadline)
        {
            return Verdict.Total;
        }

        if (time.GetElapsedTime(lastData, now) >= idle)
        {
            return Verdict.Idle;
        }

        if (time.GetElapsedTime(lastWrite, now) >= keepAlive)
        {
            lastWrite = now;
            return Verdict.KeepAlive;
        }

        return Verdict.Wait;
    }
}
