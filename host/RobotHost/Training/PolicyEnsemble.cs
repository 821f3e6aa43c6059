using RobotHost.Sdk;

namespace RobotHost.Training;

/// <summary>
/// Several trained policies acting as one: every tick each member sees the same observation and the ensemble sends
/// the mean of their actions. Runs of one recipe trained with different seeds fail in different places (the weak
/// zones move with the seed), so averaging them cancels part of each run's own error — at the inference cost of all
/// members. The members must agree on the action (names, size) and rate; their inputs are the union of theirs.
/// </summary>
public sealed class PolicyEnsemble : IPolicy, ISeededPolicy
{
    private readonly IReadOnlyList<IPolicy> _members;

    /// <summary>Wraps <paramref name="members"/> (at least two); disposing the ensemble disposes them.</summary>
    public PolicyEnsemble(IReadOnlyList<IPolicy> members, IReadOnlyList<string>? names = null)
    {
        if (members.Count < 2) throw new RobotHostException($"an ensemble needs at least two policies, got {members.Count}");
        var first = members[0].Info;
        for (var i = 1; i < members.Count; i++)
        {
            var info = members[i].Info;
            var what = names is null ? $"policy {i}" : $"'{names[i]}'";
            var firstName = names is null ? "policy 0" : $"'{names[0]}'";
            if (info.ActionFeature.ElementCount != first.ActionFeature.ElementCount ||
                !(info.ActionFeature.Names ?? []).SequenceEqual(first.ActionFeature.Names ?? []))
                throw new RobotHostException($"{what} acts on [{string.Join(", ", info.ActionFeature.Names ?? [])}] but {firstName} on " +
                                             $"[{string.Join(", ", first.ActionFeature.Names ?? [])}]; ensemble only checkpoints trained for the same robot and task");
            if (info.Fps != first.Fps)
                throw new RobotHostException($"{what} runs at {info.Fps} fps but {firstName} at {first.Fps}; ensemble only checkpoints trained on data of the same rate");
        }
        _members = members;
        var inputs = members.SelectMany(m => m.Info.InputFeatures).DistinctBy(f => f.Key).ToList();
        Info = first with { PolicyType = string.Join("+", members.Select(m => m.Info.PolicyType)), InputFeatures = inputs };
    }

    /// <inheritdoc />
    public PolicyInfo Info { get; }

    /// <summary>Seeds every member that draws random numbers, so an ensemble's rollouts repeat like its members' do.</summary>
    public void Seed(long seed)
    {
        foreach (var member in _members) (member as ISeededPolicy)?.Seed(seed);
    }

    /// <inheritdoc />
    public void Reset()
    {
        foreach (var member in _members) member.Reset();
    }

    /// <inheritdoc />
    public float[] SelectAction(Observation observation)
    {
        var sum = new double[Info.ActionFeature.ElementCount];
        foreach (var member in _members)
        {
            var action = member.SelectAction(observation);
            // A member's wrong-sized action is passed on as it is: the evaluator's guard names it and holds the robot.
            if (action.Length != sum.Length) return action;
            for (var i = 0; i < sum.Length; i++) sum[i] += action[i];
        }
        var mean = new float[sum.Length];
        for (var i = 0; i < sum.Length; i++) mean[i] = (float)(sum[i] / _members.Count);
        return mean;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var member in _members) member.Dispose();
    }
}
