using RobotHost.Sdk;

namespace RobotHost.Tests.Support;

/// <summary>A learner that holds the arm where it is (its action is the observed joints): in a correction rollout the expert's labels are then all that moves it.</summary>
internal sealed class HoldPolicy(FeatureSpec state, FeatureSpec action) : IPolicy
{
    public PolicyInfo Info { get; } = new("hold", [state], action, 30);
    public int Resets { get; private set; }
    public void Reset() => Resets++;
    public float[] SelectAction(Observation observation) => observation.ToVector(Info.ActionFeature.Names!);
    public void Dispose() { }

    /// <summary>A hold policy for the state and action of an environment the session's plugins provide.</summary>
    public static HoldPolicy For(HostSession session, string environment, IReadOnlyDictionary<string, string> options)
    {
        using var probe = session.Catalog.CreateEnvironment(environment, options);
        return new HoldPolicy(probe.ObservationFeatures.Single(f => f.Key == FeatureKeys.State), probe.ActionFeature);
    }
}
