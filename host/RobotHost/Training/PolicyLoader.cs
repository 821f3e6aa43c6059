using RobotHost.Learning.Checkpoints;
using RobotHost.Remote;
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

    /// <summary>
    /// The policy of a command: served by <paramref name="server"/> when given (a <see cref="RemotePolicy"/>, connected
    /// and described by the server), otherwise loaded from <paramref name="checkpoints"/> as <see cref="Load(HostSession, IReadOnlyList{string})"/> does.
    /// </summary>
    /// <exception cref="RobotHostException">Both or neither given, a checkpoint is missing or unknown, or the server does not answer.</exception>
    public static IPolicy Load(HostSession session, IReadOnlyList<string> checkpoints, RemotePolicyOptions? server)
    {
        if (server is null) return Load(session, checkpoints);
        if (checkpoints.Count > 0)
            throw new RobotHostException("give --checkpoint DIR or --policy-server HOST:PORT, not both (the server loads its own checkpoint)");
        return RemotePolicy.Connect(server, session.CreateLogger("RobotHost.Remote"));
    }

    /// <summary>Loads one checkpoint, or several as one <see cref="PolicyEnsemble"/> (the mean of their actions).</summary>
    /// <exception cref="RobotHostException">A checkpoint is missing or unknown, or the checkpoints act on different actions.</exception>
    public static IPolicy Load(HostSession session, IReadOnlyList<string> checkpoints)
    {
        if (checkpoints.Count == 0) throw new RobotHostException("give at least one checkpoint folder (--checkpoint DIR)");
        if (checkpoints.Count == 1) return Load(session, checkpoints[0]);
        var members = new List<IPolicy>(checkpoints.Count);
        try
        {
            foreach (var checkpoint in checkpoints) members.Add(Load(session, checkpoint));
            return new PolicyEnsemble(members, checkpoints);
        }
        catch
        {
            foreach (var member in members) member.Dispose();
            throw;
        }
    }
}
