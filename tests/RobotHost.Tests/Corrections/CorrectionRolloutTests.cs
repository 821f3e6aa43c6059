using RobotHost.Corrections;
using RobotHost.Recording;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;
using RobotHost.Training;

namespace RobotHost.Tests.Corrections;

/// <summary>
/// DAgger rollouts on the real simulated task (Sim.SO101) into a real LeRobot dataset: every frame holds the expert's
/// label for the state it was in, whoever drove, and says who drove.
/// </summary>
public sealed class CorrectionRolloutTests
{
    private static readonly Dictionary<string, string> StateOnly = new() { ["cameras"] = "", ["max_steps"] = "90" };

    private static (RecordResult Result, long PolicyTicks, long ExpertTicks) Collect(HostSession session, string root, double beta, HoldPolicy policy, bool resume = false)
    {
        using var environment = session.Catalog.CreateEnvironment("pick_place", StateOnly);
        var options = new RecordOptions { EnvironmentKey = "pick_place", EnvironmentOptions = StateOnly, Root = root, Episodes = 3, EpisodeTimeS = 3, Realtime = false, Seed = 300_000, Resume = resume };
        var (result, policyTicks, expertTicks, invalid) = new Recorder().RecordCorrections(environment, session.Catalog.DatasetFormat("lerobot"), options,
            new CorrectionMix(policy, beta, 7, SegmentTicks: 10));
        Assert.Equal(0, invalid);
        return (result, policyTicks, expertTicks);
    }

    [Fact]
    public void Every_frame_holds_the_expert_label_of_its_state_and_says_whether_the_expert_or_the_policy_drove()
    {
        var home = RepoPaths.NewTempDirectory("dagger-rollouts");
        using var session = PluginSession.Start(home);
        var policy = HoldPolicy.For(session, "pick_place", StateOnly);
        var action = policy.Info.ActionFeature;
        var root = Path.Combine(home, "corrections");

        var mixed = Collect(session, root, beta: 0.5, policy);
        Assert.Equal(3, policy.Resets);
        Assert.True(mixed.PolicyTicks > 0 && mixed.ExpertTicks > 0, $"policy {mixed.PolicyTicks}, expert {mixed.ExpertTicks} ticks");
        // β = 0 and β = 1 appended to the same dataset: only the policy drives, then only the expert.
        var policyOnly = Collect(session, root, beta: 0, policy, resume: true);
        Assert.Equal(0, policyOnly.ExpertTicks);
        var expertOnly = Collect(session, root, beta: 1, policy, resume: true);
        Assert.Equal(0, expertOnly.PolicyTicks);

        using var reader = session.Catalog.DatasetFormatFor(root).Open(root);
        Assert.Equal(9, reader.Episodes.Count);
        Assert.Equal("bool", reader.Schema[FeatureKeys.Intervention].DType);
        Assert.Equal("int64", reader.Schema[FeatureKeys.Source].DType);
        using var replay = session.Catalog.CreateEnvironment("pick_place", StateOnly);
        var expert = (IScriptedExpert)replay;
        var names = action.Names!;
        for (var e = 0; e < reader.Episodes.Count; e++)
        {
            var episode = reader.Episodes[e];
            var driven = new List<bool>();
            // Replay the episode: its seed places the same scene; the executed action is the label where the expert drove
            // and the held pose where the policy did. The recorded label must be the expert's action for that very state.
            var step = replay.Reset(DaggerOptions.CorrectionSeedBase + e);
            for (var i = episode.FromIndex; i < episode.ToIndex; i++)
            {
                var frame = reader.GetFrame(i, withImages: false);
                Assert.Equal((float)FrameSource.Dagger, frame.Values[FeatureKeys.Source][0]);
                Assert.Equal(step.Observation.ToVector(names), frame.Values[FeatureKeys.State]);
                var label = expert.ExpertAction();
                Assert.Equal(label, frame.Values[FeatureKeys.Action]);
                var byExpert = frame.Values[FeatureKeys.Intervention][0] == 1f;
                driven.Add(byExpert);
                step = replay.Step(byExpert ? label : step.Observation.ToVector(names));
            }
            var expected = e < 3 ? (bool?)null : e < 6 ? false : true;
            if (expected is { } all) Assert.All(driven, d => Assert.Equal(all, d));
            else
            {
                // One draw per 10-tick segment: control changes hands only at segment starts.
                for (var t = 1; t < driven.Count; t++) if (driven[t] != driven[t - 1]) Assert.Equal(0, t % 10);
            }
        }

        // What training makes of it: policy-driven frames keep only their first label and, by default, weigh 0; expert
        // segments keep their labels up to the segment's end.
        var sampling = SourceWeights.Sampling(reader, SourceWeights.Parse(null));
        Assert.NotNull(sampling.LabelSteps);
        for (var i = 0; i < reader.TotalFrames; i++)
        {
            var byExpert = reader.GetFrame(i, withImages: false).Values[FeatureKeys.Intervention][0] == 1f;
            if (!byExpert) Assert.Equal(1, sampling.LabelSteps![i]);
            Assert.Equal(byExpert ? 1.0 : 0.0, sampling.Weights![i]);
        }
        var lastExpertEpisode = reader.Episodes[^1];
        Assert.Equal(lastExpertEpisode.Length, sampling.LabelSteps![(int)lastExpertEpisode.FromIndex]);
        Assert.Equal(mixed.PolicyTicks + policyOnly.PolicyTicks, sampling.Weights!.Count(w => w == 0));
        // Weighted like the expert's segments when asked: every frame counts the same again.
        Assert.Null(SourceWeights.Sampling(reader, SourceWeights.Parse(new Dictionary<string, string> { ["dagger_policy"] = "1" })).Weights);
        Assert.Contains("unknown frame source 'teleop'", Assert.Throws<RobotHostException>(() => SourceWeights.Parse(new Dictionary<string, string> { ["teleop"] = "1" })).Message);
    }
}
