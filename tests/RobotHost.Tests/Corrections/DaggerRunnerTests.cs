using System.Text.Json.Nodes;
using RobotHost.Corrections;
using RobotHost.Sdk;
using RobotHost.Tests.Scripting;
using RobotHost.Training;

namespace RobotHost.Tests.Corrections;

/// <summary>
/// A correction round end to end, from a C# script compiled by Roslyn, on the real simulator, real datasets and real
/// training: a policy cloned from too few demonstrations fails; one round of the expert's labels on the states it
/// visits makes it succeed far more often. Training runs on one thread, so the numbers are the same every run.
/// </summary>
public sealed class DaggerRunnerTests
{
    [Fact]
    public void One_correction_round_raises_held_out_success_and_writes_its_table_plot_and_corrections()
    {
        using var host = new ScriptTestHost(withPlugins: true);
        var script = host.Write("correct.csx", """
            var env = new Dictionary<string, string> { ["cameras"] = "front", ["image_width"] = "32", ["image_height"] = "32", ["zone"] = "2" };
            var data = Record(new RecordOptions { EnvironmentKey = "pick_place", EnvironmentOptions = env, Root = Out("demos"), Episodes = 3, EpisodeTimeS = 20, Realtime = false });
            // A script's Train writes what `robothost train` writes.
            Train(new TrainSettings { Dataset = data.Root, Policy = "mlp", Preset = "small", Steps = 5, OutputDir = Out("plain") });
            var result = Dagger(new DaggerOptions
            {
                Dataset = data.Root, Policy = "mlp", Preset = "small", InitialSteps = 400, Set = new Dictionary<string, string> { ["cpu_threads"] = "1" },
                Env = "pick_place", EnvOptions = env, Rounds = 1, EpisodesPerRound = 10, FineTuneSteps = 300, EvalEpisodes = 16, OutputDir = Out("dagger"),
            });
            Print(DaggerRunner.ToTable(result.Rounds));
            return result;
            """);
        var (value, output, _) = host.Run(script);
        var result = Assert.IsType<DaggerResult>(value);

        Assert.False(result.Cancelled);
        Assert.Equal([0, 1], result.Rounds.Select(r => r.Round));
        var (before, after) = (result.Rounds[0].Evaluation, result.Rounds[1].Evaluation);
        Assert.Equal(16, before.EpisodeCount);
        Assert.True(after.Successes >= before.Successes + 5 && after.SuccessRate >= 0.5,
            $"held-out success before the round {before.Successes}/16, after {after.Successes}/16");
        Assert.Equal(0.5, result.Rounds[1].Beta);
        Assert.InRange(result.Rounds[1].PolicyShare, 0.2, 0.8);

        // The corrections: a LeRobot dataset of the round's rollouts, every frame a DAgger label.
        var home = host.Session;
        using (var corrections = home.Catalog.DatasetFormatFor(result.CorrectionsRoot).Open(result.CorrectionsRoot))
        {
            Assert.Equal(10, corrections.Episodes.Count);
            Assert.Equal(result.Rounds[1].Frames, corrections.TotalFrames);
            Assert.All(Enumerable.Range(0, (int)corrections.TotalFrames), i =>
                Assert.Equal((float)FrameSource.Dagger, corrections.GetFrame(i, withImages: false).Values[FeatureKeys.Source][0]));
        }

        // The round fine-tuned the round-0 policy on demonstrations + corrections.
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(result.OutputDir, "round_1", "train", TrainingRunner.SummaryFileName)))!;
        Assert.Equal(result.Rounds[0].Checkpoint, summary["init_from"]!.GetValue<string>());
        Assert.Equal(result.CorrectionsRoot, summary["more_datasets"]![0]!.GetValue<string>());
        Assert.Equal(300, summary["steps"]!.GetValue<long>());

        // Table, JSON and plot.
        var table = File.ReadAllText(Path.Combine(result.OutputDir, DaggerRunner.TableFileName));
        Assert.Contains($"{after.Successes}/16", table);
        Assert.Contains(DaggerRunner.ToTable(result.Rounds).Trim(), output);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(result.OutputDir, DaggerRunner.JsonFileName)))!;
        Assert.Equal(after.SuccessRate, json["rounds"]![1]!["success_rate"]!.GetValue<double>(), 3);
        var png = File.ReadAllBytes(Path.Combine(result.OutputDir, DaggerRunner.PlotFileName));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));

        // More rounds into the same output folder are refused before anything runs, and nothing there changes.
        var jsonBefore = File.ReadAllText(Path.Combine(result.OutputDir, DaggerRunner.JsonFileName));
        var again = Assert.Throws<RobotHostException>(() => DaggerRunner.Run(home, new DaggerOptions
        {
            Dataset = Path.Combine(host.Home, "out", "demos"), Checkpoint = result.Rounds[1].Checkpoint, Env = "pick_place",
            CorrectionsRoot = result.CorrectionsRoot, Resume = true, OutputDir = result.OutputDir,
        }));
        Assert.Contains("--out", again.Message);
        Assert.Equal(jsonBefore, File.ReadAllText(Path.Combine(result.OutputDir, DaggerRunner.JsonFileName)));

        // Scripts and the CLI train through one runner: the same files.
        var plain = Path.Combine(host.Home, "out", "plain");
        foreach (var file in new[] { TrainingRunner.LogFileName, TrainingRunner.SummaryFileName, TrainingRunner.PlotFileName })
            Assert.True(File.Exists(Path.Combine(plain, file)), $"{file} missing from a script's training run");
        Assert.Equal(5, File.ReadLines(Path.Combine(plain, TrainingRunner.LogFileName)).Count());
    }
}
