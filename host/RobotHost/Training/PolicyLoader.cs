using RobotHost.Learning.Checkpoints;
using RobotHost.Sdk;

namespace RobotHost.Training;

/// <summary>Loads any checkpoint as an <see cref="IPolicy"/> through the plugin named by its config.json's <c>policy_type</c>.</summary>
public static class PolicyLoader
{
    /// <summary>
    /// Loads <paramref name="checkpoint"/>: a step folder, a training output folder (→ checkpoints/last) or a checkpoints folder.
    /// </summary>
    /// <exception cref="RobotHostException">No checkpoint there, or no plugin registers its policy type.</exception>
    public static IPolicy Load(HostSession session, string checkpoint)
    {
        var directory = PolicyCheckpoint.Resolve(checkpoint);
        var type = PolicyCheckpoint.ReadPolicyType(directory);
        return session.Catalog.Policy(type).Load(directory, session.Context);
    }
}
