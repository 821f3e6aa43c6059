using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RobotHost.Learning.Policies;
using RobotHost.Plugins;
using RobotHost.Sdk;

namespace RobotHost.Training;

/// <summary>
/// <c>robothost train --backend lerobot</c>: the <c>lerobot-train</c> command that trains the same policy, preset and
/// overrides on the same dataset with LeRobot (<see cref="Plan"/>), and optionally runs it and imports the result
/// (<see cref="Run"/>).
/// </summary>
public static class LeRobotTraining
{
    /// <summary>LeRobot's training entry point, which <c>--run</c> looks for on PATH.</summary>
    public const string Executable = "lerobot-train";

    /// <summary>The backend's name on the command line (<c>--backend lerobot</c>): the LeRobot framework, not a plugin.</summary>
    public const string BackendName = "lerobot";

    /// <summary>Where LeRobot writes its run inside <c>--out</c>.</summary>
    public const string RunFolder = BackendName;

    /// <summary>Where the imported RobotHost checkpoint goes inside <c>--out</c>.</summary>
    public const string ImportFolder = "policy";

    /// <summary>The command line and the notes on settings LeRobot has no equivalent for.</summary>
    /// <param name="Arguments">lerobot-train's arguments (after the program).</param>
    /// <param name="Gpus">Processes for <c>accelerate launch --multi_gpu</c> (1: plain lerobot-train).</param>
    /// <param name="Notes">RobotHost settings left out, each naming the field.</param>
    /// <param name="Importer">The policy plugin that imports LeRobot's checkpoint.</param>
    public sealed record Command(IReadOnlyList<string> Arguments, int Gpus, IReadOnlyList<string> Notes, ILeRobotPolicyImporter Importer)
    {
        /// <summary>The command as a shell line (accelerate resolves lerobot-train with <c>$(which …)</c>).</summary>
        public string ShellLine => string.Join(" ", Prefix(Gpus > 1 ? $"$(which {Executable})" : Executable).Concat(Arguments).Select(Quote));

        /// <summary>Program and arguments before lerobot-train's own.</summary>
        public IReadOnlyList<string> Prefix(string executable) =>
            Gpus > 1 ? ["accelerate", "launch", "--multi_gpu", "--num_processes", Gpus.ToString(CultureInfo.InvariantCulture), executable] : [executable];

        private static string Quote(string s) => s.StartsWith("$(", StringComparison.Ordinal) || s.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@".Contains(c)) ? s : $"'{s.Replace("'", "'\\''", StringComparison.Ordinal)}'";
    }

    /// <summary>
    /// Builds the command for <paramref name="options"/> (dataset, policy, preset, <c>--set</c>, batch size, device,
    /// steps, seed, output) on <paramref name="gpus"/> GPUs. RobotHost settings LeRobot cannot train with become notes
    /// when they come from the preset, and an error when the user set them with <c>--set</c>.
    /// </summary>
    public static Command Plan(HostSession session, TrainOptions options, int gpus)
    {
        if (gpus < 1) throw new RobotHostException($"--gpus must be ≥ 1, got {gpus}");
        if (options.MoreDatasets.Count > 0) throw new RobotHostException("--backend lerobot trains on one dataset; give one --dataset, or train with --backend robothost");
        if (options.Resume || options.InitFrom is not null || options.SourceWeights.Count > 0)
            throw new RobotHostException("--resume, --init-from and --source-weight are RobotHost training options; with --backend lerobot use lerobot-train's own --resume / --policy.path");
        var registered = session.Catalog.Policy(options.PolicyKey);
        var importer = registered as ILeRobotPolicyImporter;
        if (importer is null || registered is not ITrainablePolicyFactory factory)
            throw new RobotHostException($"policy '{options.PolicyKey}' has no LeRobot equivalent; --backend lerobot trains act or diffusion");
        var overrides = new Dictionary<string, string>(options.ConfigOverrides, StringComparer.OrdinalIgnoreCase);
        if (options.BatchSize is { } b) overrides["batch_size"] = b.ToString(CultureInfo.InvariantCulture);
        if (options.Device is { } d) overrides["device"] = d;
        var config = (PolicyConfig)ConfigBinder.Bind(factory.ConfigType, options.PolicyKey, overrides, factory.CreateConfig(options.Preset));
        var root = Path.GetFullPath(options.DatasetRoot);
        using var reader = TrainingRunner.OpenDatasets(session, [root]);
        var plan = importer.PlanLeRobotTraining(config, factory.SelectFeatures(config, reader.Schema));

        var explicitlySet = plan.Unmapped.Where(u => options.ConfigOverrides.ContainsKey(u.Field)).ToList();
        if (explicitlySet.Count > 0)
            throw new RobotHostException($"--set {explicitlySet[0].Field} has no LeRobot equivalent ({explicitlySet[0].Note}); drop it, or train with --backend robothost");

        var repoId = $"{Path.GetFileName(Path.GetDirectoryName(root))}/{Path.GetFileName(root)}";
        var arguments = new List<string>
        {
            $"--policy.type={plan.LeRobotType}",
            $"--dataset.repo_id={repoId}",
            $"--dataset.root={root}",
            $"--batch_size={config.BatchSize.ToString(CultureInfo.InvariantCulture)}",
            $"--steps={options.Steps.ToString(CultureInfo.InvariantCulture)}",
            $"--seed={options.Seed.ToString(CultureInfo.InvariantCulture)}",
            $"--output_dir={Path.Combine(Path.GetFullPath(options.OutputDir), RunFolder)}",
        };
        foreach (var (field, value) in plan.Fields)
            if (value is not null) arguments.Add($"--policy.{field}={Format(value)}");
        var notes = plan.Unmapped.Select(u => $"{u.Field} = {Describe(config, u.Field)} is left out: {u.Note}").ToList();
        return new Command(arguments, gpus, notes, importer);
    }

    /// <summary>A JSON value as draccus reads it on the command line: strings bare, numbers invariant, lists and dicts as JSON.</summary>
    public static string Format(JsonNode value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var f) => f ? "true" : "false",
        JsonValue v when v.TryGetValue<double>(out var x) => x.ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };

    /// <summary>
    /// Runs <paramref name="command"/> (lerobot-train on PATH, or accelerate for several GPUs), streaming its output to
    /// the console and the log, then imports <c>checkpoints/last/pretrained_model</c> into <c>--out/policy</c>.
    /// </summary>
    /// <returns>The imported checkpoint's report.</returns>
    public static LeRobotImportReport Run(HostSession session, Command command, TrainOptions options, CancellationToken cancel)
    {
        var log = session.CreateLogger("Training.LeRobot");
        var executable = FindOnPath(Executable)
            ?? throw new RobotHostException($"{Executable} is not on PATH; install LeRobot (pip install lerobot) in the active environment, or drop --run and run the printed command where LeRobot is installed");
        var prefix = command.Prefix(executable);
        if (command.Gpus > 1 && FindOnPath("accelerate") is null)
            throw new RobotHostException("accelerate is not on PATH; --gpus needs it (pip install accelerate), or use --gpus 1");
        var start = new ProcessStartInfo(prefix[0] == executable ? executable : FindOnPath(prefix[0])!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in prefix.Skip(1).Concat(command.Arguments)) start.ArgumentList.Add(a);
        log.LogInformation("running {Command}", command.ShellLine);
        using var process = Process.Start(start) ?? throw new RobotHostException($"could not start {start.FileName}");
        void Forward(string? line, TextWriter console)
        {
            if (line is null) return;
            console.WriteLine(line);
            log.LogInformation("lerobot-train: {Line}", line);
        }
        process.OutputDataReceived += (_, e) => Forward(e.Data, Console.Error);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, Console.Error);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (cancel.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
            process.WaitForExit();
        cancel.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
            throw new RobotHostException($"{Executable} exited with code {process.ExitCode}; its output is above and in the log");
        var output = Path.GetFullPath(options.OutputDir);
        var pretrained = Path.Combine(output, RunFolder, "checkpoints", "last", "pretrained_model");
        if (!File.Exists(Path.Combine(pretrained, "config.json")))
            throw new RobotHostException($"{Executable} finished but wrote no {pretrained}/config.json; check its output above");
        var report = command.Importer.ImportLeRobot(new LeRobotImportRequest { Source = pretrained, Output = Path.Combine(output, ImportFolder), DatasetRoot = options.DatasetRoot });
        log.LogInformation("imported {Source} as {Output}", pretrained, report.Output);
        return report;
    }

    private static string Describe(PolicyConfig config, string field)
    {
        var property = config.GetType().GetProperties().FirstOrDefault(p => string.Equals(p.Name.Replace("_", "", StringComparison.Ordinal), field.Replace("_", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
        return Convert.ToString(property?.GetValue(config), CultureInfo.InvariantCulture) switch { null or "" => "null", var s => s };
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
