namespace RobotHost.Benchmarks;

/// <summary>Every benchmark scenario by name. Add one line per scenario file.</summary>
internal static class Scenarios
{
    public static readonly IReadOnlyDictionary<string, Action<string[]>> All = new Dictionary<string, Action<string[]>>
    {
        ["startup"] = StartupBenchmark.Run,
        ["so101"] = So101BusBenchmark.Run,
        ["scripting"] = ScriptStartupBenchmark.Run,
        ["sim"] = SimBenchmark.Run,
        ["cameras"] = CamerasBenchmark.Run,
        ["dataset"] = DatasetBenchmark.Run,
        ["recording"] = RecordingBenchmark.Run,
        ["generative"] = GenerativeBenchmark.Run,
        ["rtc"] = RealTimeChunkingBenchmark.Run,
        ["learning"] = LearningBenchmark.Run,
        ["rollout"] = RolloutBenchmark.Run,
        ["remote"] = RemoteInferenceBenchmark.Run,
        ["datasetcheck"] = DatasetCheckBenchmark.Run,
        ["tui"] = TuiBenchmark.Run,
        ["soak"] = SoakBenchmark.Run,
        ["scale"] = ScaleBenchmark.Run,
    };
}
