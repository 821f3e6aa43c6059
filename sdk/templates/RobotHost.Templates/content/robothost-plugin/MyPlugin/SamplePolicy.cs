using System.Text.Json;
using RobotHost.Sdk;

namespace MyPlugin;

/// <summary>Config of the sample policy (also what its checkpoint's policy.json holds).</summary>
public sealed record SamplePolicyConfig : ComponentConfig
{
    /// <summary>State element names, in order.</summary>
    public string[] StateNames { get; init; } = ["joint1.pos", "joint2.pos"];
    /// <summary>Action element names, in order.</summary>
    public string[] ActionNames { get; init; } = ["joint1.pos", "joint2.pos"];
    /// <summary>Row-major weights, actions × states.</summary>
    public float[] Weights { get; init; } = [1, 0, 0, 1];
    /// <summary>Bias per action.</summary>
    public float[] Bias { get; init; } = [0, 0];
    /// <summary>Control rate.</summary>
    public int Fps { get; init; } = 30;

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        if (Weights.Length != StateNames.Length * ActionNames.Length)
            yield return $"weights must have {StateNames.Length * ActionNames.Length} values (actions × states), got {Weights.Length}";
        if (Bias.Length != ActionNames.Length) yield return $"bias must have {ActionNames.Length} values, got {Bias.Length}";
    }
}

/// <summary>Loads a linear policy from <c>&lt;checkpoint&gt;/policy.json</c>. Trainable policies build on RobotHost.Learning instead.</summary>
public sealed class SamplePolicyFactory : IPolicyFactory
{
    /// <inheritdoc />
    public Type ConfigType => typeof(SamplePolicyConfig);
    /// <inheritdoc />
    public IReadOnlyList<string> Presets { get; } = ["default"];
    /// <inheritdoc />
    public ComponentConfig CreateConfig(string? preset) => new SamplePolicyConfig();

    /// <inheritdoc />
    public IPolicy Load(string checkpointDirectory, IPluginContext context)
    {
        var path = Path.Combine(checkpointDirectory, "policy.json");
        if (!File.Exists(path)) throw new RobotHostException($"checkpoint '{checkpointDirectory}' has no policy.json; save one with SamplePolicyFactory.Save");
        var config = JsonSerializer.Deserialize<SamplePolicyConfig>(File.ReadAllText(path))
            ?? throw new RobotHostException($"{path} is empty; save the checkpoint again");
        var problems = config.Validate().ToList();
        if (problems.Count > 0) throw new RobotHostException($"{path}: {string.Join("; ", problems)}");
        return new SamplePolicy(config);
    }

    /// <summary>Writes a checkpoint folder.</summary>
    public static void Save(string checkpointDirectory, SamplePolicyConfig config)
    {
        Directory.CreateDirectory(checkpointDirectory);
        File.WriteAllText(Path.Combine(checkpointDirectory, "policy.json"), JsonSerializer.Serialize(config));
    }
}

/// <summary>action = W · state + b.</summary>
public sealed class SamplePolicy(SamplePolicyConfig config) : IPolicy
{
    /// <inheritdoc />
    public PolicyInfo Info { get; } = new("my_device", [FeatureSpec.Vector(FeatureKeys.State, config.StateNames)], FeatureSpec.Vector(FeatureKeys.Action, config.ActionNames), config.Fps);

    /// <inheritdoc />
    public void Reset() { }

    /// <inheritdoc />
    public float[] SelectAction(Observation observation)
    {
        var state = observation.ToVector(config.StateNames);
        var action = new float[config.ActionNames.Length];
        for (var a = 0; a < action.Length; a++)
        {
            action[a] = config.Bias[a];
            for (var s = 0; s < state.Length; s++) action[a] += config.Weights[a * state.Length + s] * state[s];
        }
        return action;
    }

    /// <inheritdoc />
    public void Dispose() { }
}
