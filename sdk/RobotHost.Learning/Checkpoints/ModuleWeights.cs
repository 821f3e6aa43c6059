using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotHost.Learning.Checkpoints;

/// <summary>Saves and loads a module's parameters and buffers (its state dict) as safetensors.</summary>
public static class ModuleWeights
{
    /// <summary>Writes the module's state dict to <paramref name="path"/>.</summary>
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        Safetensors.Save(path, module.state_dict(), metadata);

    /// <summary>
    /// Copies tensors from a safetensors file into the module's parameters and buffers by name.
    /// With <paramref name="strict"/>, a missing or unexpected name or a shape mismatch is an error naming it.
    /// Returns the names that were loaded. The file's checksum is verified when it has one; with a
    /// <paramref name="logger"/>, a file without one (saved before RobotHost recorded checksums) is named in a warning.
    /// </summary>
    public static IReadOnlyList<string> Load(nn.Module module, string path, bool strict = true, string prefix = "", ILogger? logger = null)
    {
        var loaded = Safetensors.Load(path, out var metadata);
        if (!Safetensors.HasChecksum(metadata))
            logger?.LogWarning("{Path} has no checksum (saved before RobotHost recorded one), so damage to it cannot be detected; loading it unchecked. Save the checkpoint again (train --resume, or copy it through a new training run) to add one", path);
        try { return Copy(module, loaded, strict, prefix, path); }
        finally { foreach (var t in loaded.Values) t.Dispose(); }
    }

    /// <summary>Copies tensors by name into the module (names in <paramref name="source"/> may carry <paramref name="prefix"/>).</summary>
    public static IReadOnlyList<string> Copy(nn.Module module, IReadOnlyDictionary<string, Tensor> source, bool strict, string prefix = "", string origin = "weights")
    {
        var target = module.state_dict();
        var done = new List<string>();
        var problems = new List<string>();
        using (torch.no_grad())
        {
            foreach (var (name, tensor) in target)
            {
                if (!source.TryGetValue(prefix + name, out var value))
                {
                    if (strict) problems.Add($"missing '{prefix + name}'");
                    continue;
                }
                if (!value.shape.SequenceEqual(tensor.shape))
                {
                    problems.Add($"'{prefix + name}' has shape [{string.Join(",", value.shape)}], the model expects [{string.Join(",", tensor.shape)}]");
                    continue;
                }
                tensor.copy_(value);
                done.Add(name);
            }
        }
        if (strict)
            problems.AddRange(source.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !target.ContainsKey(k[prefix.Length..])).Select(k => $"unexpected '{k}'"));
        if (problems.Count > 0)
            throw new Sdk.RobotHostException($"{origin} does not fit this model ({string.Join("; ", problems.Take(8))}{(problems.Count > 8 ? $"; and {problems.Count - 8} more" : "")}); check that the checkpoint was trained with the same policy config");
        return done;
    }
}
