namespace ServerlessGateway.Configuration;

/// <summary>
/// Resolves a deployment's time limits from what is written, field by field: the deployment's Timeouts, then
/// its TimeoutSeconds (the total), then the provider's Timeouts and TimeoutSeconds, then the defaults. Every
/// problem is listed; a default longer than the total is shortened to it, a value written longer is an error.
/// </summary>
internal static class DeploymentTimeoutsReader
{
    /// <summary>A connection that takes a minute to open is not coming; the handler's own backstop is above this.</summary>
    public const double MaxConnectSeconds = 60;

    public const double MaxSeconds = 3600;

    /// <summary>Checks one Timeouts section and the TimeoutSeconds beside it, where they are written.</summary>
    public static void Validate(string where, TimeoutOptions? timeouts, int? timeoutSeconds, List<string> errors)
    {
        if (timeoutSeconds is < 1 or > 3600)
        {
            errors.Add($"{where}:TimeoutSeconds must be between 1 and 3600; it is {timeoutSeconds}.");
        }

        if (timeouts is null)
        {
            return;
        }

        CheckRange(where, "ConnectSeconds", timeouts.ConnectSeconds, MaxConnectSeconds, errors);
        CheckRange(where, "FirstTokenSeconds", timeouts.FirstTokenSeconds, MaxSeconds, errors);
        CheckRange(where, "IdleSeconds", timeouts.IdleSeconds, MaxSeconds, errors);
        CheckRange(where, "TotalSeconds", timeouts.TotalSeconds, MaxSeconds, errors);
        if (timeouts.TotalSeconds is { } total && timeoutSeconds is { } legacy && total != legacy)
        {
            errors.Add($"{where}: TimeoutSeconds ({legacy}) and Timeouts:TotalSeconds ({total:0.###}) both set the total time-out; keep one.");
        }
    }

    /// <summary>The deployment's limits; errors for a written limit longer than the total it falls under.</summary>
    public static DeploymentTimeouts Resolve(string where, ProviderOptions provider, DeploymentOptions deployment, List<string> errors)
    {
        var own = deployment.Timeouts;
        var inherited = provider.Timeouts;
        var totalSeconds = own?.TotalSeconds ?? deployment.TimeoutSeconds ?? inherited?.TotalSeconds ?? provider.TimeoutSeconds;
        var total = totalSeconds is { } written && IsValid(written, MaxSeconds) ? TimeSpan.FromSeconds(written) : DeploymentTimeouts.DefaultTotal;
        var context = new Where(where, deployment.Provider, total, errors);
        var connect = context.Limit("ConnectSeconds", own?.ConnectSeconds, inherited?.ConnectSeconds, MaxConnectSeconds);
        var firstToken = context.Limit("FirstTokenSeconds", own?.FirstTokenSeconds, inherited?.FirstTokenSeconds, MaxSeconds);
        var idle = context.Limit("IdleSeconds", own?.IdleSeconds, inherited?.IdleSeconds, MaxSeconds);
        return new DeploymentTimeouts(connect ?? DeploymentTimeouts.DefaultConnect, firstToken ?? total, idle ?? DeploymentTimeouts.DefaultIdle, total);
    }

    private readonly record struct Where(string Deployment, string? Provider, TimeSpan Total, List<string> Errors)
    {
        /// <summary>The deployment's own value, else its provider's; null when neither is written (or valid).</summary>
        public TimeSpan? Limit(string name, double? own, double? inherited, double max)
        {
            if ((own ?? inherited) is not { } value || !IsValid(value, max))
            {
                return null; // unset, or already reported where it is written
            }

            var limit = TimeSpan.FromSeconds(value);
            if (limit > Total)
            {
                var source = own is null ? $", from provider '{Provider}'" : "";
                Errors.Add($"{Deployment}: Timeouts:{name} ({value:0.###}{source}) is longer than the deployment's total time-out ({Total.TotalSeconds:0.###} s), so it could never apply.");
            }

            return limit;
        }
    }

    private static void CheckRange(string where, string name, double? seconds, double max, List<string> errors)
    {
        if (seconds is { } value && !IsValid(value, max))
        {
            errors.Add($"{where}:Timeouts:{name} must be between 0.001 and {max:0}; it is {value:0.###}.");
        }
    }

    // At least a millisecond: timers and CancelAfter work in whole milliseconds.
    private static bool IsValid(double seconds, double max) => double.IsFinite(seconds) && seconds >= 0.001 && seconds <= max;
}
