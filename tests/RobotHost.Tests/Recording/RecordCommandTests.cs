using System.Diagnostics;
using RobotHost.Cli;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Recording;

/// <summary><c>robothost record</c> as a user runs it: a child process with its own data directory, no keyboard.</summary>
public sealed class RecordCommandTests
{
    private static readonly string[] SimRig =
    [
        "record", "--robot", "sim_so101", "--teleop", "sim_expert", "--cameras", "sim_front,sim_wrist",
        "--camera-option", "width=64", "--camera-option", "height=48",
    ];

    private static HostSession Session(string home) => PluginSession.Start(home);

    [Fact]
    public void Kill_9_mid_episode_keeps_saved_episodes_and_resume_continues_numbering()
    {
        var home = RepoPaths.NewTempDirectory("rec-kill");
        var root = Path.Combine(home, "killed");
        // Real time, 1 s episodes, no reset: the process is always inside an episode a moment after a save.
        using var process = HostProcess.Start(home, [.. SimRig, "--root", root, "--episodes", "30", "--episode-time", "1", "--reset-time", "0", "--task", "pick"]);
        var saved = 0;
        var stderr = new List<string>();
        var twoSaved = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.Add(e.Data);
            if (e.Data.StartsWith("saved ", StringComparison.Ordinal) && int.Parse(e.Data.Split(' ')[1]) >= 2) twoSaved.Set();
        };
        process.BeginErrorReadLine();
        process.StandardOutput.ReadToEndAsync();
        var reached = twoSaved.Wait(TimeSpan.FromMinutes(4)); // generous: start-up and the first ffmpeg are slow on a loaded 2-core machine
        if (reached) Thread.Sleep(400); // well inside the next episode: its video segments and rows are half written
        process.Kill(); // SIGKILL: no handler runs
        process.WaitForExit();
        Assert.True(reached, "robothost record never reported 2 saved episodes: " + string.Join("\n", stderr));
        var partial = Path.Combine(root, ".partial");

        using (var session = Session(home))
        {
            var format = session.Catalog.DatasetFormat("lerobot");
            using var reader = format.Open(root);
            saved = reader.Episodes.Count;
            Assert.True(saved >= 2, $"{saved} episodes readable after kill -9");
            Assert.Equal(Enumerable.Range(0, saved), reader.Episodes.Select(e => e.EpisodeIndex));
            Assert.All(reader.Episodes, e => Assert.Equal(30, e.Length));
            // Every saved frame decodes, first and last of each episode, both cameras.
            foreach (var episode in reader.Episodes)
            {
                foreach (var index in new[] { episode.FromIndex, episode.ToIndex - 1 })
                {
                    var frame = reader.GetFrame(index);
                    Assert.True(frame.Images[FeatureKeys.Image("front")].IsWellFormed);
                    Assert.True(frame.Images[FeatureKeys.Image("wrist")].IsWellFormed);
                }
            }
        }

        var resumed = HostProcess.Run(home, [.. SimRig, "--root", root, "--resume", "--episodes", "2", "--episode-time", "1", "--no-realtime", "--task", "pick"]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("saved 2 episode(s)", resumed.Stdout);

        using (var session = Session(home))
        {
            using var reader = session.Catalog.DatasetFormat("lerobot").Open(root);
            Assert.Equal(Enumerable.Range(0, saved + 2), reader.Episodes.Select(e => e.EpisodeIndex));
            Assert.Equal((saved + 2) * 30, reader.TotalFrames);
            Assert.True(reader.GetFrame(reader.TotalFrames - 1).Images[FeatureKeys.Image("wrist")].IsWellFormed);
        }
        // Resuming discarded whatever the killed episode had left in the scratch folder, and said so in the host's log
        // file (the format plugin logs through the host's Serilog pipeline, not into nothing).
        Assert.Empty(Leftovers(partial));
        var log = string.Join("\n", Directory.EnumerateFiles(Path.Combine(home, "logs"), "*.log").Select(ReadShared));
        Assert.Matches(@"discarding \.partial/episode-0*\d+-\w+ left by an episode that was never saved", log);
    }

    // The log file may still be held open by a host in this process.
    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    [Fact]
    public void Record_without_a_keyboard_runs_to_the_end_and_prints_a_summary()
    {
        var home = RepoPaths.NewTempDirectory("rec-cli");
        var root = Path.Combine(home, "data");
        var run = HostProcess.Run(home, [.. SimRig, "--dataset.root", root, "--dataset.num_episodes", "3", "--dataset.episode_time_s", "0.5", "--dataset.fps", "20", "--no-realtime", "--dataset.single_task", "stack"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("completed: saved 3 episode(s), 30 frames", run.Stdout);
        Assert.Contains("dropped frames 0", run.Stdout);
        // Progress is sampled and saves overlap the next episode: a 10-frame episode without real time may be over
        // before the first sample, so any episode's progress line will do.
        Assert.Matches(@"(recording episode \d+ \(\d/3\)|saving episode \d+)", run.Stderr);
        using var session = Session(home);
        using var reader = session.Catalog.DatasetFormat("lerobot").Open(root);
        Assert.Equal(20, reader.Schema.Fps);
        Assert.Equal([10, 10, 10], reader.Episodes.Select(e => e.Length));
        Assert.All(reader.Episodes, e => Assert.Equal(["stack"], e.Tasks));
    }

    [Fact]
    public void Gym_mode_and_user_errors_from_the_command_line()
    {
        var home = RepoPaths.NewTempDirectory("rec-cli");
        var env = HostProcess.Run(home, ["record", "--env", "obstacle_2d", "--root", Path.Combine(home, "env"), "--episodes", "2"]);
        Assert.True(env.ExitCode == 0, env.Stderr);
        Assert.Contains("saved 2 episode(s)", env.Stdout);

        var noRobot = HostProcess.Run(home, ["record", "--root", Path.Combine(home, "x")]);
        Assert.Equal(1, noRobot.ExitCode);
        Assert.Contains("--robot is required", noRobot.Stderr);
        Assert.DoesNotContain("   at ", noRobot.Stderr);

        var unknown = HostProcess.Run(home, ["record", "--robot", "sim_so101", "--teleop", "nobody", "--root", Path.Combine(home, "y"), "--no-realtime"]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no teleoperator 'nobody'", unknown.Stderr);
    }

    [Fact]
    public void Camera_options_go_to_every_camera_or_to_one_by_key_or_position()
    {
        var options = RecordCommand.CameraOptionsFor(["sim_front", "sim_wrist", "sim_front"], ["width=64", "sim_front.height=48", "1.noise=2"]);
        Assert.Equal(new Dictionary<string, string> { ["width"] = "64", ["height"] = "48" }, options[0]);
        Assert.Equal(new Dictionary<string, string> { ["width"] = "64", ["noise"] = "2" }, options[1]);
        Assert.Equal(options[0], options[2]);
        var error = Assert.Throws<RobotHostException>(() => RecordCommand.CameraOptionsFor(["sim_front"], ["top.width=3"]));
        Assert.Contains("'top'", error.Message);
    }

    [Fact]
    public void Keys_map_to_requests()
    {
        Assert.Equal(RobotHost.Recording.RecordRequest.NextEpisode, KeyboardRecordControl.Map(new ConsoleKeyInfo('\0', ConsoleKey.RightArrow, false, false, false)));
        Assert.Equal(RobotHost.Recording.RecordRequest.NextEpisode, KeyboardRecordControl.Map(new ConsoleKeyInfo('n', ConsoleKey.N, false, false, false)));
        Assert.Equal(RobotHost.Recording.RecordRequest.Rerecord, KeyboardRecordControl.Map(new ConsoleKeyInfo('\0', ConsoleKey.LeftArrow, false, false, false)));
        Assert.Equal(RobotHost.Recording.RecordRequest.Rerecord, KeyboardRecordControl.Map(new ConsoleKeyInfo('r', ConsoleKey.R, false, false, false)));
        Assert.Equal(RobotHost.Recording.RecordRequest.Stop, KeyboardRecordControl.Map(new ConsoleKeyInfo('\u001b', ConsoleKey.Escape, false, false, false)));
        Assert.Equal(RobotHost.Recording.RecordRequest.Stop, KeyboardRecordControl.Map(new ConsoleKeyInfo('q', ConsoleKey.Q, false, false, false)));
        Assert.Equal(RobotHost.Recording.RecordRequest.None, KeyboardRecordControl.Map(new ConsoleKeyInfo('x', ConsoleKey.X, false, false, false)));
    }

    /// <summary>Files an unsaved episode left in the scratch folder (the writer's lock file is not a leftover).</summary>
    private static IEnumerable<string> Leftovers(string partial) =>
        Directory.Exists(partial)
            ? Directory.EnumerateFiles(partial, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal))
            : [];
}
