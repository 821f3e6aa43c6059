using RobotHost.Control;
using RobotHost.DatasetCheck;
using RobotHost.Recording;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.DatasetCheck;

/// <summary>
/// Inconsistent technique on real recordings: the simulator's scripted expert (Sim.SO101, loaded by the real plugin host)
/// grasps some episodes from the side with a tilted gripper; the ground truth is the expert's own plan for each episode
/// (its <c>Variant</c>), and the check must name exactly those episodes, whatever zone they fall in.
/// </summary>
public sealed class TechniqueCheckTests
{
    private static HostSession Session(string home) => PluginSession.Start(home);

    /// <summary>Records <paramref name="episodes"/> episodes without cameras; returns the check and the episodes the expert did from the side.</summary>
    private static (CheckResult Technique, List<int> SideEpisodes) RecordAndCheck(string name, int episodes, double inconsistent)
    {
        var home = RepoPaths.NewTempDirectory("technique-" + name);
        var root = Path.Combine(home, "data");
        using var session = Session(home);
        using var robot = session.Catalog.CreateRobot("sim_so101");
        using var expert = new ExpertPlanSpy(session.Catalog.CreateTeleoperator("sim_expert",
            new Dictionary<string, string> { ["inconsistent"] = inconsistent.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        var format = session.Catalog.DatasetFormat("lerobot");
        var options = new RecordOptions { Root = root, Episodes = episodes, EpisodeTimeS = 20, Realtime = false, Seed = 11, Task = "put the cube in the bin" };
        var result = new Recorder().Record(new Rig(robot, expert, []), format, options);
        Assert.Equal(episodes, result.Episodes.Count);
        Assert.All(result.Episodes, e => Assert.Equal("done", e.EndedBy));

        using var reader = format.Open(root);
        var report = DatasetChecker.Check(reader);
        var side = expert.Variants.Where(p => p.Value.EndsWith(" side", StringComparison.Ordinal)).Select(p => p.Key).Order().ToList();
        return (report["technique_consistency"], side);
    }

    private static List<int> Flagged(CheckResult check) => check.Findings.SelectMany(f => f.Episodes).Distinct().Order().ToList();

    [Theory]
    [InlineData(0.3)] // a third from the side
    [InlineData(0.5)] // half and half: the pitch's sign pattern must not depend on which technique is the majority
    [InlineData(0.9)] // mostly from the side: the few top-down grasps are the minority
    public void Two_techniques_are_reported_as_two_strategies_naming_exactly_the_minority_technique(double inconsistent)
    {
        var (technique, side) = RecordAndCheck($"two-{inconsistent}", 20, inconsistent);
        var top = Enumerable.Range(0, 20).Except(side).ToList();
        var minority = side.Count <= top.Count ? side : top;
        Assert.True(minority.Count >= 2, $"the expert's draw gave {side.Count} side grasps of 20");

        Assert.Equal(CheckStatus.Warn, technique.Status);
        var finding = Assert.Single(technique.Findings);
        Assert.StartsWith("two strategies: episodes [", finding.Message);
        Assert.Equal(minority, Flagged(technique));
        Assert.Contains("fine for Diffusion or flow matching", finding.Fix);
        Assert.Contains("hurts MLP and ACT", finding.Fix);
    }

    [Fact]
    public void A_single_side_grasp_is_an_outlier_and_a_consistent_expert_passes()
    {
        // Rare enough that 20 episodes hold one or two side grasps (fewer than 10%: no second strategy, an outlier).
        var (technique, side) = RecordAndCheck("one", 20, 0.03);
        Assert.NotEmpty(side);
        Assert.InRange(side.Count, 1, 1);
        Assert.Equal(CheckStatus.Warn, technique.Status);
        Assert.Equal(side, Flagged(technique));
        Assert.Matches(@"^episode \d+ approaches unlike the others", technique.Findings[0].Message);

        var (clean, none) = RecordAndCheck("clean", 12, 0);
        Assert.Empty(none);
        Assert.Equal(CheckStatus.Pass, clean.Status);
        Assert.Empty(clean.Findings);
        Assert.StartsWith("one technique", clean.Summary);
    }

    /// <summary>
    /// Passes the expert through unchanged and notes, for each episode, the plan the expert made ("complete top",
    /// "complete side"…): read from the plugin's public <c>Expert.Variant</c> by reflection, since the test does not
    /// reference the plugin assembly (the host loads it in its own context).
    /// </summary>
    private sealed class ExpertPlanSpy(ITeleoperator inner) : ITeleoperator, IEpisodeAware
    {
        private int _episode = -1;

        public Dictionary<int, string> Variants { get; } = [];
        public FeatureSpec ActionFeature => inner.ActionFeature;
        public bool IsConnected => inner.IsConnected;
        public void Connect(bool calibrate = false) => inner.Connect(calibrate);
        public void Disconnect() => inner.Disconnect();
        public void Dispose() => inner.Dispose();

        public void OnEpisodeStart(int episodeIndex, int seed)
        {
            _episode = episodeIndex;
            (inner as IEpisodeAware)?.OnEpisodeStart(episodeIndex, seed);
        }

        public RobotAction GetAction()
        {
            var action = inner.GetAction(); // plans the episode on its first call
            var expert = inner.GetType().GetProperty("Expert")!.GetValue(inner)!;
            Variants[_episode] = (string)expert.GetType().GetProperty("Variant")!.GetValue(expert)!;
            return action;
        }
    }
}
