namespace ServerlessGateway.Resilience;

/// <summary>What the pipeline does after an attempt failed.</summary>
public enum FailureAction
{
    /// <summary>The request itself is at fault (a 400): another deployment would refuse it too.</summary>
    ReturnToCaller,

    /// <summary>The deployment is at fault (down, overloaded, misconfigured): try the next one.</summary>
    TryNextDeployment,
}
