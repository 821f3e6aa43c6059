using System.CommandLine;
using RobotHost.Evaluation;
using RobotHost.Sdk;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost eval --checkpoint DIR [--checkpoint DIR2…] | --policy-server HOST:PORT [--policy-deadline-ms MS]  --env KEY --episodes N --seed S [--videos K] [--out DIR] [--json] [--env-option k=v…]
/// [--chunk-execution sync|async|rtc] [--inference-delay-ms D|uniform:A-B] [--execution-horizon S]</c>:
/// closed-loop rollouts on a simulated task; prints a per-condition table (or the JSON) and writes eval.json, plots, videos.
/// </summary>
public static class EvalCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string[]>("--checkpoint", "-c")
        {
            Description = "Checkpoint folder written by training; repeat it to evaluate several as one ensemble (the mean of their actions)",
            AllowMultipleArgumentsPerToken = false,
        };
        var (server, deadline) = PolicyServerOptions.Create();
        var env = new Option<string>("--env") { Description = "Environment key: pick_place or obstacle_2d", DefaultValueFactory = _ => "pick_place" };
        var episodes = new Option<int>("--episodes", "-n") { Description = "Rollouts", DefaultValueFactory = _ => 50 };
        var seed = new Option<int>("--seed") { Description = $"Seed of the first rollout (default {EvalOptions.HeldOutSeedBase}: held out from recording seeds 0…)", DefaultValueFactory = _ => EvalOptions.HeldOutSeedBase };
        var videos = new Option<int>("--videos") { Description = "Write mp4 videos of the first K rollouts", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder for eval.json, plots and videos (default: <checkpoint>/eval_<env>_<seed>, or ./eval_<env>_<seed> with --policy-server)" };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Step limit per rollout (default: the environment's)" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON instead of a table" };
        var envOptions = new Option<string[]>("--env-option") { Description = "Environment config key=value (repeatable), as when recording", AllowMultipleArgumentsPerToken = false };
        var execution = new Option<string>("--chunk-execution") { Description = "How chunks execute while inference runs: sync (wait for each), async (infer ahead, switch on arrival) or rtc (real-time chunking)", DefaultValueFactory = _ => "sync" };
        var delay = new Option<string>("--inference-delay-ms") { Description = "Simulated inference latency in ms, fixed (150) or per inference (uniform:100-200); the simulator steps on meanwhile", DefaultValueFactory = _ => "0" };
        var horizon = new Option<int?>("--execution-horizon") { Description = "Actions executed from each chunk before the next inference starts (async, rtc; default: the policy's n_action_steps)" };
        var command = new Command("eval", "Evaluate a trained policy on a simulated task: success rate with a 95% interval, per-condition breakdown, plots and videos")
        {
            checkpoint, server, deadline, env, episodes, seed, videos, output, maxSteps, json, envOptions, execution, delay, horizon,
        };
        command.SetAction(parse =>
        {
            using var stop = new StopSignals();
            return CliApp.Run(parse, session =>
            {
                var checkpoints = parse.GetValue(checkpoint) ?? [];
                var remote = PolicyServerOptions.Parse(parse, server, deadline, checkpoints);
                var ckpt = checkpoints.FirstOrDefault();
                var envKey = parse.GetValue(env)!;
                var firstSeed = parse.GetValue(seed);
                var options = new EvalOptions
                {
                    Checkpoint = ckpt,
                    Ensemble = checkpoints.Skip(1).ToList(),
                    PolicyServer = remote,
                    Env = envKey,
                    EnvOptions = ParseOptions(parse.GetValue(envOptions) ?? []),
                    Episodes = parse.GetValue(episodes),
                    Seed = firstSeed,
                    Videos = parse.GetValue(videos),
                    MaxSteps = parse.GetValue(maxSteps),
                    ChunkExecution = ChunkExecutionNames.Parse(parse.GetValue(execution)!),
                    InferenceDelay = InferenceDelay.Parse(parse.GetValue(delay)!),
                    ExecutionHorizon = parse.GetValue(horizon),
                    OutputDir = parse.GetValue(output) ?? Path.Combine(ckpt ?? ".", $"eval_{envKey}_{firstSeed}"),
                };
                var asJson = parse.GetValue(json);
                var display = StageProgress.ForStderr();
                var result = Evaluator.Evaluate(session, options, asJson ? null : StageProgress.Callback<EvalProgress>(p =>
                    display.Report($"eval on {envKey}", p.Completed, p.Total, "episodes", $"{p.Successes} successes")), stop.Token);
                display.Finish();
                if (asJson)
                {
                    Console.WriteLine(EvalReport.ToJson(result));
                }
                else
                {
                    Console.Write(EvalReport.ToTable(result));
                    Console.WriteLine($"results in {Path.GetFullPath(options.OutputDir)}");
                }
                return 0;
            });
        });
        return command;
    }

    /// <summary><c>key=value</c> words to a dictionary, with a clear error for a word without '='.</summary>
    internal static IReadOnlyDictionary<string, string> ParseOptions(IEnumerable<string> words)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            var eq = word.IndexOf('=');
            if (eq <= 0) throw new RobotHostException($"--env-option '{word}' must be key=value, e.g. --env-option image_size=96");
            options[word[..eq].Trim()] = word[(eq + 1)..].Trim();
        }
        return options;
    }
}
