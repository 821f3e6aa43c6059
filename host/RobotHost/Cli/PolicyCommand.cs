using System.CommandLine;
using RobotHost.Learning.Checkpoints;
using RobotHost.Learning.Policies;
using RobotHost.Sdk;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost policy import-lerobot --from DIR --out DIR [--dataset DIR] [--fps N] [--force]</c>: turns a LeRobot
/// pretrained_model folder into a RobotHost checkpoint through the policy plugin that imports its <c>type</c>
/// (<see cref="ILeRobotPolicyImporter"/>; ACT and Diffusion Policy). The result loads with <c>eval</c>, <c>rollout</c> and scripts.
/// <c>robothost policy export-lerobot --checkpoint DIR --out DIR [--force]</c> goes the other way through the plugin of
/// the checkpoint's <c>policy_type</c>; the result loads with LeRobot's <c>--policy.path</c>.
/// </summary>
public static class PolicyCommand
{
    /// <summary>Builds the command and its sub-commands.</summary>
    public static Command Create()
    {
        var command = new Command("policy", "Policy checkpoints: import a policy trained with LeRobot, export one to LeRobot");
        command.Add(ImportLeRobot());
        command.Add(ExportLeRobot());
        return command;
    }

    private static Command ImportLeRobot()
    {
        var from = new Option<string>("--from") { Description = "LeRobot pretrained_model folder: config.json, model.safetensors and the policy_preprocessor/postprocessor files", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "RobotHost checkpoint folder to write (new or empty)", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "The LeRobot dataset the policy was trained on (meta/info.json): joint names and fps" };
        var fps = new Option<int?>("--fps") { Description = "Frames per second of the training data when no --dataset is given (default 30)" };
        var force = new Option<bool>("--force") { Description = "Replace a checkpoint already in --out" };
        var command = new Command("import-lerobot", "Import a LeRobot policy checkpoint (ACT or Diffusion Policy) as a RobotHost checkpoint with the same config, weights and normalisation")
        {
            from, output, dataset, fps, force,
        };
        command.SetAction(parse => CliApp.Run(parse, session =>
        {
            var source = LeRobotPretrained.Open(parse.GetValue(from)!);
            var importers = session.Catalog.Keys(ComponentKind.Policy)
                .Select(k => session.Catalog.Policy(k)).OfType<ILeRobotPolicyImporter>().ToList();
            var importer = importers.FirstOrDefault(i => i.LeRobotPolicyTypes.Contains(source.Type))
                ?? throw new RobotHostException($"no plugin imports LeRobot '{source.Type}' policies; importable types: {(importers.Count == 0 ? "none (are the Policies.Act and Policies.Diffusion plugins loaded? see `robothost plugins`)" : string.Join(", ", importers.SelectMany(i => i.LeRobotPolicyTypes).Order()))}");
            var fpsValue = parse.GetValue(fps);
            if (fpsValue is <= 0) throw new RobotHostException($"--fps must be positive, got {fpsValue}");
            var report = importer.ImportLeRobot(new LeRobotImportRequest
            {
                Source = source.Directory,
                Output = parse.GetValue(output)!,
                DatasetRoot = parse.GetValue(dataset),
                Fps = fpsValue,
                Overwrite = parse.GetValue(force),
            });
            Console.WriteLine($"imported LeRobot '{source.Type}' policy from {source.Directory}");
            Console.WriteLine($"wrote {report.PolicyType} checkpoint {report.Output} ({report.Parameters:N0} parameters and buffers)");
            foreach (var note in report.Notes) Console.WriteLine($"note: {note}");
            Console.WriteLine($"next: robothost eval --checkpoint {report.Output} --env <task>   or   robothost rollout --checkpoint {report.Output} --robot …");
            return 0;
        }));
        return command;
    }

    private static Command ExportLeRobot()
    {
        var checkpoint = new Option<string>("--checkpoint", "-c") { Description = "RobotHost checkpoint: a training output folder (→ checkpoints/last) or a checkpoint step folder", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "LeRobot pretrained_model folder to write (new or empty)", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an exported policy already in --out" };
        var command = new Command("export-lerobot", "Export a RobotHost act or diffusion checkpoint as a LeRobot pretrained_model folder (config.json, model.safetensors, processor files)")
        {
            checkpoint, output, force,
        };
        command.SetAction(parse => CliApp.Run(parse, session =>
        {
            var directory = PolicyCheckpoint.Resolve(parse.GetValue(checkpoint)!);
            var type = PolicyCheckpoint.ReadPolicyType(directory);
            var exporters = session.Catalog.Keys(ComponentKind.Policy)
                .Select(k => (Key: k, Factory: session.Catalog.Policy(k) as ILeRobotPolicyImporter)).Where(e => e.Factory is not null).ToList();
            var exporter = exporters.FirstOrDefault(e => e.Key == type).Factory
                ?? throw new RobotHostException($"no plugin exports '{type}' checkpoints to LeRobot; exportable policies: {(exporters.Count == 0 ? "none (are the Policies.Act and Policies.Diffusion plugins loaded? see `robothost plugins`)" : string.Join(", ", exporters.Select(e => e.Key).Order()))}");
            var report = exporter.ExportLeRobot(new LeRobotExportRequest
            {
                Checkpoint = directory,
                Output = parse.GetValue(output)!,
                Overwrite = parse.GetValue(force),
            });
            Console.WriteLine($"exported {type} checkpoint {directory}");
            Console.WriteLine($"wrote LeRobot '{report.LeRobotType}' pretrained_model {report.Output} ({report.Tensors} tensors)");
            foreach (var note in report.Notes) Console.WriteLine($"note: {note}");
            Console.WriteLine($"next: lerobot-eval --policy.path={report.Output} …   or fine-tune: lerobot-train --policy.path={report.Output} --dataset.repo_id=…");
            return 0;
        }));
        return command;
    }
}
