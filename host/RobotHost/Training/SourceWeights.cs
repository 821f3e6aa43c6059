using System.Globalization;
using RobotHost.Recording;
using RobotHost.Sdk;

namespace RobotHost.Training;

/// <summary>
/// How much training samples each kind of frame (<see cref="FrameSource"/>, the <c>source</c> column; frames without
/// one are demonstrations). By default demonstrations, DAgger labels and takeovers weigh 1 and a policy's own actions 0:
/// they are what the policy did, not what it should have done.
/// </summary>
public static class SourceWeights
{
    /// <summary>The default weights.</summary>
    public static IReadOnlyDictionary<FrameSource, double> Defaults { get; } = new Dictionary<FrameSource, double>
    {
        [FrameSource.Demo] = 1,
        [FrameSource.Policy] = 0,
        [FrameSource.Dagger] = 1,
        [FrameSource.Takeover] = 1,
    };

    /// <summary>
    /// The name of DAgger frames on which the policy's own action ran (<c>intervention</c> false): labelled by the expert,
    /// but only their first action lies on the expert's path. Weight 0 unless given: a chunking policy trained on
    /// one-step labels inside chunks of other steps loses what it knew (flow matching on <c>obstacle_2d</c>: 99 % → 62 %
    /// after one round with them, 100 % without them); the expert's own segments, which start in the states the policy
    /// reached, carry the correction.
    /// </summary>
    public const string DaggerPolicyDriven = "dagger_policy";

    /// <summary>The defaults with <paramref name="overrides"/> (<c>dagger=2</c>, <c>policy=0.1</c>, <c>dagger_policy=0</c>) applied.</summary>
    /// <exception cref="RobotHostException">An unknown source name or a weight that is not a number ≥ 0.</exception>
    public static SourceWeightSet Parse(IReadOnlyDictionary<string, string>? overrides)
    {
        var weights = new Dictionary<FrameSource, double>(Defaults);
        double? policyDriven = null;
        foreach (var (name, text) in overrides ?? new Dictionary<string, string>())
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || !(weight >= 0) || double.IsInfinity(weight))
                throw new RobotHostException($"--source-weight {name}={text}: the weight must be a number ≥ 0");
            if (string.Equals(name, DaggerPolicyDriven, StringComparison.OrdinalIgnoreCase)) { policyDriven = weight; continue; }
            if (!Enum.TryParse<FrameSource>(name, ignoreCase: true, out var source) || !Enum.IsDefined(source))
                throw new RobotHostException($"unknown frame source '{name}' in --source-weight; use {string.Join(", ", Enum.GetNames<FrameSource>().Select(n => n.ToLowerInvariant()))} or {DaggerPolicyDriven}");
            weights[source] = weight;
        }
        return new SourceWeightSet(weights, policyDriven ?? 0);
    }

    /// <summary>
    /// How to sample and supervise every frame of <paramref name="reader"/>: its weight by source, and how many steps
    /// of its action chunk lie on one consistent path of its labeller. Step k of frame t's chunk is kept only while the
    /// frames t…t+k have the same source and the action executed on each of t…t+k−1 was its recorded one (always for
    /// demonstrations, takeovers and a policy's own actions; for DAgger frames only where the expert's action ran): after a
    /// tick the policy drove, the expert's later labels belong to a path the expert did not take from frame t, so they
    /// are masked out of the loss like the padding past an episode's end. Null members when every frame weighs the same
    /// and every chunk is whole (plain demonstrations: training exactly as before).
    /// </summary>
    public static FrameSampling Sampling(IDatasetReader reader, SourceWeightSet weights)
    {
        var frames = reader.TotalFrames;
        var weight = new double[frames];
        var valid = new int[frames];
        var counts = new Dictionary<FrameSource, long>();
        var partial = false;
        foreach (var episode in reader.Episodes)
        {
            var length = (int)(episode.ToIndex - episode.FromIndex);
            var source = new FrameSource[length];
            var executedLabel = new bool[length];
            for (var t = 0; t < length; t++)
            {
                var values = reader.GetFrame(episode.FromIndex + t, withImages: false).Values;
                source[t] = Recorder.SourceOf(values);
                var intervened = !values.TryGetValue(FeatureKeys.Intervention, out var flag) || flag.Length == 0 || flag[0] != 0;
                executedLabel[t] = source[t] != FrameSource.Dagger || intervened;
                counts[source[t]] = counts.GetValueOrDefault(source[t]) + 1;
                weight[episode.FromIndex + t] = source[t] == FrameSource.Dagger && !intervened ? weights.DaggerPolicyDriven
                    : weights.BySource.TryGetValue(source[t], out var w) ? w : 1;
            }
            var next = 0;
            for (var t = length - 1; t >= 0; t--)
            {
                var steps = executedLabel[t] && t + 1 < length && source[t + 1] == source[t] ? 1 + next : 1;
                // Past the episode's end the window is padding anyway: a chunk whole up to there is whole.
                if (steps < length - t) partial = true;
                valid[episode.FromIndex + t] = steps;
                next = steps;
            }
        }
        if (frames > 0 && weight.All(w => w == 0))
            throw new RobotHostException($"every frame of '{reader.Root}' has weight 0 with these source weights; give the sources it holds ({string.Join(", ", counts.Keys.Select(k => k.ToString().ToLowerInvariant()))}) a positive weight");
        var uniform = frames == 0 || weight.All(w => w == weight[0]);
        return new FrameSampling(uniform ? null : weight, partial ? valid : null, counts);
    }
}

/// <summary>Sampling weights by frame source, and of DAgger frames the policy drove (see <see cref="SourceWeights.DaggerPolicyDriven"/>).</summary>
public sealed record SourceWeightSet(IReadOnlyDictionary<FrameSource, double> BySource, double DaggerPolicyDriven)
{
    /// <inheritdoc />
    public override string ToString() => string.Join(", ", BySource.Select(w => $"{w.Key.ToString().ToLowerInvariant()}={w.Value:G3}"))
        + $", {SourceWeights.DaggerPolicyDriven}={DaggerPolicyDriven:G3}";
}

/// <summary>Per-frame sampling weights and label horizons for training (null: uniform / whole chunks).</summary>
/// <param name="Weights">Sampling weight of every frame.</param>
/// <param name="LabelSteps">Steps of every frame's action chunk that are labels along the path taken (the rest is masked).</param>
/// <param name="Counts">Frames per source.</param>
public sealed record FrameSampling(double[]? Weights, int[]? LabelSteps, IReadOnlyDictionary<FrameSource, long> Counts);
