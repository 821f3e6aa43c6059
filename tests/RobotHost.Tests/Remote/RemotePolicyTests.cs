using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RobotHost.Recording;
using RobotHost.Remote;
using RobotHost.Sdk;
using RobotHost.Tests.Rollout;
using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;
using RobotHost.Training;

namespace RobotHost.Tests.Remote;

/// <summary>
/// Remote inference end to end on real checkpoints: the gRPC server (in process, and as <c>robothost serve</c>) and the
/// client <see cref="RemotePolicy"/> that <c>eval</c> and <c>rollout --policy-server</c> load through <see cref="PolicyLoader"/>.
/// </summary>
public sealed class RemotePolicyTests
{
    [Fact]
    public async Task Served_policy_gives_the_actions_and_chunks_of_the_same_checkpoint_loaded_locally()
    {
        var home = RepoPaths.NewTempDirectory("remote-loopback");
        using var session = PluginSession.Start(home);
        var checkpoint = TrainWithCamera(session, home);
        using var local = PolicyLoader.Load(session, checkpoint);
        using var served = PolicyLoader.Load(session, checkpoint);
        await using var server = await PolicyServer.StartAsync(served, checkpoint, "127.0.0.1", 0, session.Logging.Logger);
        using var remote = PolicyLoader.Load(session, [], new RemotePolicyOptions($"127.0.0.1:{server.Port}"));

        Assert.Equal(local.Info.PolicyType, remote.Info.PolicyType);
        Assert.Equal(local.Info.Fps, remote.Info.Fps);
        Assert.Equal(local.Info.ActionFeature.Names, remote.Info.ActionFeature.Names);
        Assert.Equal(local.Info.InputFeatures.Select(f => (f.Key, string.Join(",", f.Shape), string.Join(",", f.Names ?? []))),
            remote.Info.InputFeatures.Select(f => (f.Key, string.Join(",", f.Shape), string.Join(",", f.Names ?? []))));
        Assert.Contains(remote.Info.InputFeatures, f => f.IsVisual);
        var localChunks = Assert.IsAssignableFrom<IChunkPolicy>(local);
        var remoteChunks = Assert.IsAssignableFrom<IChunkPolicy>(remote);
        Assert.Equal(localChunks.ChunkLength, remoteChunks.ChunkLength);
        Assert.Equal(localChunks.ExecutionHorizon, remoteChunks.ExecutionHorizon);
        Assert.Equal(localChunks.SupportsGuidance, remoteChunks.SupportsGuidance);

        var observations = RandomObservations(local.Info, count: 12, seed: 7);
        foreach (var policy in new[] { local, remote })
        {
            ((ISeededPolicy)policy).Seed(3);
            policy.Reset();
        }
        var different = 0;
        float[]? previous = null;
        foreach (var observation in observations)
        {
            var expected = local.SelectAction(observation);
            var actual = remote.SelectAction(observation);
            AssertClose(expected, actual);
            if (previous is not null && !expected.SequenceEqual(previous)) different++;
            previous = expected;
            Assert.Equal(localChunks.QueuedActions, remoteChunks.QueuedActions);
        }
        Assert.True(different > 0, "the observations all gave one action; the comparison would not see a wrong image or state");

        // The chunk path that asynchronous execution uses: observe every tick, predict now and then.
        local.Reset();
        remote.Reset();
        foreach (var observation in observations.Take(4))
        {
            localChunks.Observe(observation);
            remoteChunks.Observe(observation);
        }
        var localChunk = localChunks.PredictChunk();
        var remoteChunk = remoteChunks.PredictChunk();
        Assert.Equal(localChunk.Count, remoteChunk.Count);
        for (var i = 0; i < localChunk.Count; i++) AssertClose(localChunk[i], remoteChunk[i]);
    }

    [Fact]
    public void Eval_with_a_policy_server_runs_on_the_simulator_and_scores_as_the_local_checkpoint()
    {
        var home = RepoPaths.NewTempDirectory("remote-eval");
        string checkpoint;
        using (var session = PluginSession.Start(home))
        {
            var data = Path.Combine(home, "data");
            new Recorder(session.CreateLogger("test")).Record(session, new RecordOptions { EnvironmentKey = "obstacle_2d", Root = data, Episodes = 2, EpisodeTimeS = 5, Realtime = false });
            checkpoint = TrainingRunner.Train(session, new TrainOptions { DatasetRoot = data, PolicyKey = "mlp", Preset = "small", Steps = 10, OutputDir = Path.Combine(home, "mlp") }).LastCheckpoint;
        }
        using var server = new ServeProcess(home, checkpoint);
        string[] eval = ["eval", "--env", "obstacle_2d", "--episodes", "2", "--seed", "700", "--json"];

        var remote = HostProcess.Run(home, [.. eval, "--policy-server", server.Address, "--out", Path.Combine(home, "remote")]);
        var local = HostProcess.Run(home, [.. eval, "--checkpoint", checkpoint, "--out", Path.Combine(home, "local")]);

        Assert.True(remote.ExitCode == 0, remote.Stderr + server.Stderr);
        Assert.True(local.ExitCode == 0, local.Stderr);
        using var r = JsonDocument.Parse(remote.Stdout);
        using var l = JsonDocument.Parse(local.Stdout);
        Assert.Equal("mlp", r.RootElement.GetProperty("policy_type").GetString());
        Assert.Equal(Episodes(l), Episodes(r));
        Assert.True(File.Exists(Path.Combine(home, "remote", "eval.json")));

        // Both sources, or a server that is not there: one line naming the fix.
        var both = HostProcess.Run(home, [.. eval, "--policy-server", server.Address, "--checkpoint", checkpoint]);
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("not both", both.Stderr);
        server.Kill();
        var gone = HostProcess.Run(home, [.. eval, "--policy-server", server.Address]);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains($"is `robothost serve` running on {server.Address}?", gone.Stderr);
    }

    [Fact]
    public void Rollout_on_the_virtual_follower_holds_and_turns_torque_off_when_its_policy_server_is_killed()
    {
        using var arm = new VirtualFollower("remote-killed");
        var checkpoint = StateOnlyMlp.Train(arm.Session, arm.Home);
        using var server = new ServeProcess(arm.Home, checkpoint);
        const int watchdogMs = 300;
        const int maxStepDegrees = 5;
        string[] args =
        [
            "rollout", "--policy-server", server.Address, "--robot", "so101_follower",
            .. arm.RobotOptions.SelectMany(o => new[] { "--robot-option", $"{o.Key}={o.Value}" }),
            "--fps", "30", "--duration", "60", "--max-step", $"{maxStepDegrees}", "--watchdog-ms", $"{watchdogMs}",
        ];
        using var rollout = HostProcess.Start(arm.Home, args);
        var errors = new System.Text.StringBuilder();
        rollout.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        rollout.BeginErrorReadLine();
        rollout.OutputDataReceived += (_, _) => { };
        rollout.BeginOutputReadLine();
        string Stderr() { lock (errors) return errors.ToString(); }
        try
        {
            // The remote policy drives: torque on and goals being written every tick.
            Eventually.WaitFor(() => arm.AnyTorqueOn || rollout.HasExited, TimeSpan.FromSeconds(60), () => "the rollout never took torque");
            Assert.False(rollout.HasExited, "rollout ended before the server was killed: " + Stderr());
            var writes = (int)arm.Servo(1).GoalWrites;
            Eventually.WaitFor(() => (int)arm.Servo(1).GoalWrites > writes + 30 || rollout.HasExited, TimeSpan.FromSeconds(30), () => "the rollout wrote no goals");
            Assert.False(rollout.HasExited, "rollout ended before the server was killed: " + Stderr());

            var goalsAtKill = arm.Servos.Select(s => (int)s.GoalPosition).ToArray();
            var killed = Stopwatch.StartNew();
            server.Kill();
            Eventually.WaitFor(() => arm.AllTorqueOff, TimeSpan.FromSeconds(20), () => "torque stayed on after the policy server died: " + (rollout.HasExited ? Stderr() : "(rollout still running)"));
            var torqueOffAfter = killed.Elapsed;
            // The watchdog's bound: three missed deadlines in a row; the rest is slack for a loaded machine's scheduling.
            Assert.True(torqueOffAfter < TimeSpan.FromMilliseconds(3 * watchdogMs + 2000), $"torque off {torqueOffAfter.TotalMilliseconds:F0} ms after the server died");
            // Held: no goal moved by more than the one step that may have been in flight when the server died.
            var stepsPerDegree = 4096 / 360.0;
            var goalsAtTorqueOff = arm.Servos.Select(s => (int)s.GoalPosition).ToArray();
            for (var i = 0; i < goalsAtKill.Length; i++)
                Assert.True(Math.Abs(goalsAtTorqueOff[i] - goalsAtKill[i]) <= maxStepDegrees * stepsPerDegree + 2,
                    $"servo {i + 1} goal moved from {goalsAtKill[i]} to {goalsAtTorqueOff[i]} after the server died");

            Assert.True(rollout.WaitForExit(30_000), "rollout did not exit after torque off");
            rollout.WaitForExit(); // the rest of its output
            Assert.Equal(1, rollout.ExitCode);
            Assert.Contains($"is `robothost serve` running on {server.Address}?", Stderr());
            Assert.True(arm.AllTorqueOff);
        }
        finally
        {
            if (!rollout.HasExited) rollout.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task A_call_past_its_deadline_fails_naming_the_server_and_the_next_call_reconnects()
    {
        var home = RepoPaths.NewTempDirectory("remote-deadline");
        using var session = PluginSession.Start(home);
        using var served = new StallingPolicy();
        await using var server = await PolicyServer.StartAsync(served, "stalling", "127.0.0.1", 0, session.Logging.Logger);
        var address = $"127.0.0.1:{server.Port}";
        using var remote = RemotePolicy.Connect(new RemotePolicyOptions(address, DeadlineMs: 300), session.CreateLogger("test"));
        var observation = new Observation { Values = new Dictionary<string, float> { ["x"] = 2 } };
        remote.Reset();
        Assert.Equal([2f], remote.SelectAction(observation));

        served.StallMs = 3000;
        var clock = Stopwatch.StartNew();
        var late = Assert.Throws<RobotHostException>(() => remote.SelectAction(observation));
        Assert.True(clock.ElapsedMilliseconds < 2500, $"the 300 ms deadline let the call run {clock.ElapsedMilliseconds} ms");
        Assert.Contains($"policy server {address} did not answer within 300 ms", late.Message);
        Assert.Contains($"is `robothost serve` running on {address}?", late.Message);

        // The next call opens a new session, in which the server resets the policy, and gets its answer.
        served.StallMs = 0;
        var resetsBefore = served.Resets;
        Assert.Equal([2f], remote.SelectAction(observation));
        Assert.True(served.Resets > resetsBefore, "the new session did not reset the served policy");
    }

    [Fact]
    public async Task A_server_restarted_with_the_same_checkpoint_is_reconnected_and_one_with_another_is_refused()
    {
        var home = RepoPaths.NewTempDirectory("remote-restart");
        using var session = PluginSession.Start(home);
        using var served = new StallingPolicy();
        var server = await PolicyServer.StartAsync(served, "runs/first", "127.0.0.1", 0, session.Logging.Logger);
        var port = server.Port;
        var address = $"127.0.0.1:{port}";
        using var remote = RemotePolicy.Connect(new RemotePolicyOptions(address, DeadlineMs: 2000), session.CreateLogger("test"));
        var observation = new Observation { Values = new Dictionary<string, float> { ["x"] = 2 } };
        remote.Reset();
        Assert.Equal([2f], remote.SelectAction(observation));

        // The server dies: the call fails, as a local policy's failure would.
        await server.DisposeAsync();
        Assert.Throws<RobotHostException>(() => remote.SelectAction(observation));

        // Restarted with the same checkpoint: the next call reconnects.
        await using (var again = await PolicyServer.StartAsync(served, "runs/first", "127.0.0.1", port, session.Logging.Logger))
            Assert.Equal([2f], remote.SelectAction(observation));
        Assert.Throws<RobotHostException>(() => remote.SelectAction(observation));

        // Restarted with another checkpoint: refused before any of its actions reach the caller.
        await using var other = await PolicyServer.StartAsync(served, "runs/second", "127.0.0.1", port, session.Logging.Logger);
        var swapped = Assert.Throws<RobotHostException>(() => remote.SelectAction(observation));
        Assert.Contains($"policy server {address} now serves stalling from runs/second, not the stalling from runs/first", swapped.Message);
    }

    /// <summary>A served policy that can be made to hang, as a stalled GPU or a swapped-out server does; its action is its input.</summary>
    private sealed class StallingPolicy : IPolicy
    {
        public volatile int StallMs;
        public int Resets;
        public PolicyInfo Info { get; } = new("stalling", [FeatureSpec.Vector(FeatureKeys.State, ["x"])], FeatureSpec.Vector(FeatureKeys.Action, ["x"]), 30);
        public void Reset() => Interlocked.Increment(ref Resets);
        public float[] SelectAction(Observation observation)
        {
            Thread.Sleep(StallMs);
            return [observation.Values["x"]];
        }
        public void Dispose() { }
    }

    private static string Episodes(JsonDocument d) => string.Join(";", d.RootElement.GetProperty("episodes").EnumerateArray()
        .Select(e => $"{e.GetProperty("seed")}/{e.GetProperty("success")}/{e.GetProperty("steps")}/{e.GetProperty("max_reward")}"));

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * Math.Max(1f, Math.Abs(expected[i])), $"action[{i}]: local {expected[i]}, remote {actual[i]}");
    }

    /// <summary>A real checkpoint that reads a camera: the simulator's expert records two short episodes with a 32×32 front camera, an MLP trains a few steps.</summary>
    private static string TrainWithCamera(HostSession session, string home)
    {
        var data = Path.Combine(home, "sim-demos");
        new Recorder(session.CreateLogger("test")).Record(session, new RecordOptions
        {
            RobotKey = "sim_so101", TeleopKey = "sim_expert", CameraKeys = ["sim_front"],
            CameraOptions = [new Dictionary<string, string> { ["width"] = "32", ["height"] = "32" }],
            Root = data, Episodes = 2, EpisodeTimeS = 2, ResetTimeS = 0, Realtime = false,
        });
        return TrainingRunner.Train(session, new TrainOptions
        {
            DatasetRoot = data, PolicyKey = "mlp", Preset = "small", Steps = 10, OutputDir = Path.Combine(home, "mlp"),
        }).LastCheckpoint;
    }

    /// <summary>Observations with every state value and camera the policy reads, random but reproducible.</summary>
    private static List<Observation> RandomObservations(PolicyInfo info, int count, int seed)
    {
        var random = new Random(seed);
        var observations = new List<Observation>();
        for (var n = 0; n < count; n++)
        {
            var values = new Dictionary<string, float>();
            var images = new Dictionary<string, CameraFrame>();
            foreach (var feature in info.InputFeatures)
            {
                if (feature.IsVisual)
                {
                    var rgb = new byte[feature.ElementCount];
                    random.NextBytes(rgb);
                    images[feature.Key[(feature.Key.LastIndexOf('.') + 1)..]] = new CameraFrame(feature.Shape[1], feature.Shape[0], rgb, n, n / 30.0);
                }
                else
                {
                    foreach (var name in feature.Names!) values[name] = (float)(random.NextDouble() * 60 - 30);
                }
            }
            observations.Add(new Observation { Values = values, Images = images, Timestamp = n / 30.0 });
        }
        return observations;
    }
}
