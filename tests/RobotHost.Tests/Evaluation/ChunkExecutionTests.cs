using RobotHost.Evaluation;
using RobotHost.Sdk;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Evaluation;

/// <summary>Simulated inference latency in evaluation: sync holds, async switches on arrival, rtc passes the executing chunk.</summary>
public sealed class ChunkExecutionTests
{
    private static EvalOptions Options(ChunkExecution mode, string delay, int episodes = 1) => new()
    {
        Checkpoint = "unused",
        Env = "reach_2d",
        Episodes = episodes,
        ChunkExecution = mode,
        InferenceDelay = InferenceDelay.Parse(delay),
    };

    [Fact]
    public void Sync_holds_for_the_delay_in_ticks_before_each_chunk_and_is_deterministic_for_a_seed()
    {
        // The first chunk is ready at tick 0 (computed before the episode starts); then each inference holds
        // 250 ms at 10 fps = 3 ticks before its 4 actions: chunks start at ticks 0, 7 and 14 of 20, inferred at 4, 11, 18.
        var env = new FakeReachEnvironment { MaxSteps = 20 };
        var result = Evaluator.Evaluate(new StampedChunkPolicy(length: 6, horizon: 4), env, Options(ChunkExecution.Sync, "250"));
        Assert.Equal(3 + 3 + 2, result.HeldTicks);
        Assert.Equal([0f, 0f], env.Applied[0]);
        Assert.Equal([0f, 0.03f], env.Applied[3]);
        Assert.Equal([0f, 0.03f], env.Applied[6]);
        Assert.Equal([0.04f, 0f], env.Applied[7]);
        Assert.Equal([0.04f, 0.03f], env.Applied[10]);
        Assert.Equal([0.11f, 0f], env.Applied[14]);
        Assert.Equal(2, result.Smoothness.Boundaries);

        var first = new FakeReachEnvironment { MaxSteps = 30 };
        var again = new FakeReachEnvironment { MaxSteps = 30 };
        var a = Evaluator.Evaluate(new StampedChunkPolicy(6, 4), first, Options(ChunkExecution.Async, "uniform:100-400", episodes: 3));
        var b = Evaluator.Evaluate(new StampedChunkPolicy(6, 4), again, Options(ChunkExecution.Async, "uniform:100-400", episodes: 3));
        Assert.Equal(first.Applied.SelectMany(x => x), again.Applied.SelectMany(x => x));
        Assert.Equal(a.Episodes.Select(e => (e.HeldTicks, e.Steps)), b.Episodes.Select(e => (e.HeldTicks, e.Steps)));
        Assert.Equal("uniform:100-400", a.InferenceDelayMs);
    }

    [Fact]
    public void Async_keeps_executing_while_inference_runs_and_switches_to_the_action_meant_for_the_arrival_tick()
    {
        var env = new FakeReachEnvironment { MaxSteps = 12 };
        var result = Evaluator.Evaluate(new StampedChunkPolicy(length: 8, horizon: 4), env, Options(ChunkExecution.Async, "250"));
        // First chunk: predicted before the episode starts, so the robot never holds.
        Assert.Equal(0, result.HeldTicks);
        Assert.Equal([0f, 0f], env.Applied[0]);
        Assert.Equal([0f, 0.03f], env.Applied[3]);
        // The next inference starts at tick 4 (4 actions executed); ticks 4–6 still run the first chunk.
        Assert.Equal([0f, 0.06f], env.Applied[6]);
        Assert.Equal([0.04f, 0.03f], env.Applied[7]);
        Assert.Equal([0.08f, 0.03f], env.Applied[11]);
    }

    [Fact]
    public void Rtc_hands_the_policy_the_rest_of_the_executing_chunk_with_the_delay_frozen()
    {
        var policy = new StampedChunkPolicy(length: 8, horizon: 4, guides: true);
        var env = new FakeReachEnvironment { MaxSteps = 8 };
        var result = Evaluator.Evaluate(policy, env, Options(ChunkExecution.Rtc, "250"));
        Assert.Equal("guidance", result.RtcMethod);
        Assert.Contains("\"rtc_method\": \"guidance\"", EvalReport.ToJson(result));
        Assert.Null(Evaluator.Evaluate(new StampedChunkPolicy(length: 8, horizon: 4, guides: true), new FakeReachEnvironment { MaxSteps = 8 }, Options(ChunkExecution.Async, "250")).RtcMethod);
        var guidance = Assert.Single(policy.Guidance, g => g is not null);
        Assert.Equal(3, guidance!.Frozen);
        Assert.Equal([[0f, 0.04f], [0f, 0.05f], [0f, 0.06f], [0f, 0.07f]], guidance.Previous);
        // Ticks 4–6 ran those frozen actions; at tick 7 the new chunk (from frame 4) takes over at its action 3.
        Assert.Equal([0f, 0.06f], env.Applied[6]);
        Assert.Equal([0.04f, 0.03f], env.Applied[7]);
    }

    [Fact]
    public void Bad_options_name_the_option_and_the_fix()
    {
        Assert.Contains("--inference-delay-ms", Assert.Throws<RobotHostException>(() => InferenceDelay.Parse("uniform:200-100")).Message);
        Assert.Contains("sync, async or rtc", Assert.Throws<RobotHostException>(() => ChunkExecutionNames.Parse("later")).Message);
        var rtc = Assert.Throws<RobotHostException>(() => Evaluator.Evaluate(new StampedChunkPolicy(8, 4), new FakeReachEnvironment(), Options(ChunkExecution.Rtc, "100")));
        Assert.Contains("--chunk-execution async", rtc.Message);
        var plain = Assert.Throws<RobotHostException>(() => Evaluator.Evaluate(new NoisyGreedyPolicy(0), new FakeReachEnvironment(), Options(ChunkExecution.Sync, "100")));
        Assert.Contains("predicts action chunks", plain.Message);
    }

    /// <summary>
    /// A chunk policy whose action i of a chunk predicted at frame f is [f / 100, i / 100], so a test reads off which
    /// observation a chunk came from and which of its actions ran. With <c>guides</c>, it starts a guided chunk with
    /// the frozen actions, as a real-time chunking policy must.
    /// </summary>
    private sealed class StampedChunkPolicy(int length, int horizon, bool guides = false) : IChunkPolicy
    {
        private readonly Queue<float[]> _queue = new();
        private double? _origin;
        private int _frame;

        public List<ChunkGuidance?> Guidance { get; } = [];
        public PolicyInfo Info { get; } = new("stamped", [FeatureSpec.Vector(FeatureKeys.State, ["agent.x", "agent.y", "goal.x", "goal.y"])], FeatureSpec.Vector(FeatureKeys.Action, ["dx", "dy"]), 10);
        public int ChunkLength => length;
        public int ExecutionHorizon => horizon;
        public int QueuedActions => _queue.Count;
        public bool SupportsGuidance => guides;

        public void Reset()
        {
            _queue.Clear();
            _origin = null;
        }

        public void Observe(Observation observation)
        {
            _origin ??= observation.Timestamp;
            _frame = (int)Math.Round((observation.Timestamp - _origin.Value) * 10);
        }

        public IReadOnlyList<float[]> PredictChunk(ChunkGuidance? guidance = null)
        {
            Guidance.Add(guidance);
            var chunk = Enumerable.Range(0, length).Select(i => new[] { _frame / 100f, i / 100f }).ToList();
            for (var i = 0; i < (guidance?.Frozen ?? 0); i++) chunk[i] = guidance!.Previous[i];
            return chunk;
        }

        public float[] SelectAction(Observation observation)
        {
            Observe(observation);
            if (_queue.Count == 0) foreach (var a in PredictChunk().Take(horizon)) _queue.Enqueue(a);
            return _queue.Dequeue();
        }

        public void Dispose() { }
    }
}
