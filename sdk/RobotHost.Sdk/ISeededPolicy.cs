namespace RobotHost.Sdk;

/// <summary>
/// Optional capability of policies that draw random numbers while acting (sampling noise, dropout left on):
/// the evaluator seeds them before every rollout, so the same seed gives the same actions and the same results.
/// </summary>
public interface ISeededPolicy
{
    /// <summary>Seeds the policy's random source; called before <see cref="IPolicy.Reset"/> at the start of a rollout.</summary>
    void Seed(long seed);
}
