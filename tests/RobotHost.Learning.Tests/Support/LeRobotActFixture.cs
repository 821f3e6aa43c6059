using System.Text;
using System.Text.Json.Nodes;
using RobotHost.Learning.Checkpoints;
using RobotHost.Sdk;
using static TorchSharp.torch;

namespace RobotHost.Learning.Tests.Support;

/// <summary>
/// A LeRobot reference from Fixtures/lerobot_act/*.json (generate_fixtures.py with LeRobot's modeling_act.py) or
/// Fixtures/lerobot_diffusion/*.json (modeling_diffusion.py): config, state-dict layout, statistics, observations and
/// LeRobot's actions. The weights are not stored: they are a
/// deterministic function of (tensor name, element index), recomputed here exactly as the Python script computes them.
/// </summary>
internal sealed class LeRobotActFixture
{
    private readonly JsonObject _root;

    private LeRobotActFixture(string name, JsonObject root) => (Name, _root) = (name, root);

    public string Name { get; }

    public JsonObject Config => _root["config"]!.AsObject();

    public string Layout => _root["layout"]!.GetValue<string>();

    public int ChunkSize => Config["chunk_size"]!.GetValue<int>();

    public int NActionSteps => Config["n_action_steps"]!.GetValue<int>();

    public bool TemporalEnsembling => Config["temporal_ensemble_coeff"] is JsonValue;

    /// <summary>LeRobot's unnormalised action chunks, one per observation: [obs][step][dim].</summary>
    public float[][][] Chunks => _root["chunks"]!.AsArray().Select(c => c!.AsArray().Select(Floats).ToArray()).ToArray();

    /// <summary>The same chunks from LeRobot's model run in float64 (exact arithmetic, for the rounding noise floor).</summary>
    public float[][][] ChunksFloat64 => _root["chunks_float64"]!.AsArray().Select(c => c!.AsArray().Select(Floats).ToArray()).ToArray();

    /// <summary>max |LeRobot float32 − LeRobot float64| over the chunks: the rounding error of LeRobot itself.</summary>
    public double LeRobotFloat32Error => _root["lerobot_float32_error"]!.GetValue<double>();

    /// <summary>Which observation each select_action call saw, and what LeRobot returned.</summary>
    public (int[] Observation, float[][] Actions) SelectAction => (
        _root["select_action"]!["observation_index"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray(),
        _root["select_action"]!["actions"]!.AsArray().Select(Floats).ToArray());

    /// <summary>The whole fixture document.</summary>
    public JsonObject Root => _root;

    public static LeRobotActFixture Load(string name, string folder = "lerobot_act")
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", folder, name + ".json");
        return new LeRobotActFixture(name, JsonNode.Parse(File.ReadAllText(path))!.AsObject());
    }

    /// <summary>Observations as a robot delivers them: state values by name (s0…), camera frames by camera name.</summary>
    public IReadOnlyList<Observation> Observations(IReadOnlyList<string> stateNames)
    {
        var result = new List<Observation>();
        foreach (var node in _root["observations"]!.AsArray())
        {
            var values = new Dictionary<string, float>();
            var images = new Dictionary<string, CameraFrame>();
            foreach (var (key, value) in node!.AsObject())
            {
                if (value is JsonArray array)
                {
                    var v = Floats(array);
                    for (var i = 0; i < v.Length; i++) values[stateNames[i]] = v[i];
                    continue;
                }
                var shape = Config["input_features"]![key]!["shape"]!.AsArray().Select(s => s!.GetValue<int>()).ToArray();
                var rgb = Convert.FromBase64String(value!["uint8_hwc_base64"]!.GetValue<string>());
                images[key["observation.images.".Length..]] = new CameraFrame(shape[2], shape[1], rgb, 0, 0);
            }
            result.Add(new Observation { Values = values, Images = images });
        }
        return result;
    }

    /// <summary>Writes a LeRobot pretrained_model folder: config.json, model.safetensors and the statistics in the fixture's layout.</summary>
    public string WritePretrainedFolder(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "config.json"), Config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var tensors = new Dictionary<string, Tensor>();
        using var scope = NewDisposeScope();
        foreach (var entry in _root["state_dict"]!.AsArray())
        {
            var name = entry!["name"]!.GetValue<string>();
            var shape = entry["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
            if (entry["dtype"]!.GetValue<string>() == "int64")
            {
                tensors[name] = zeros(shape, ScalarType.Int64); // BatchNorm's num_batches_tracked, as LeRobot saves it
                continue;
            }
            Assert.Equal("float32", entry["dtype"]!.GetValue<string>());
            tensors[name] = tensor(Values(name, shape), shape);
        }
        var stats = _root["stats"]!.AsObject();
        var mapping = Config["normalization_mapping"]!.AsObject();
        if (Layout == "legacy")
        {
            // LeRobot < 0.4: Normalize/Unnormalize modules with buffer_<key with _> holding the mode's statistics.
            foreach (var (key, f) in Config["input_features"]!.AsObject())
                AddLegacy(tensors, "normalize_inputs", key, f!["type"]!.GetValue<string>(), stats, mapping);
            AddLegacy(tensors, "normalize_targets", "action", "ACTION", stats, mapping);
            AddLegacy(tensors, "unnormalize_outputs", "action", "ACTION", stats, mapping);
        }
        else
        {
            WriteProcessor(directory, stats, mapping);
        }
        Safetensors.Save(Path.Combine(directory, "model.safetensors"), tensors);
        return directory;
    }

    /// <summary>The values of LeRobot's float tensor <paramref name="name"/>: the formula, or the buffer LeRobot computes itself.</summary>
    public float[] Values(string name, long[] shape) =>
        name == "model.vae_encoder_pos_enc" ? SinusoidTable(shape)
        : _root["computed_buffers"]?[name] is JsonArray computed ? Floats(computed)
        : WeightFormula(name, shape);

    private void AddLegacy(Dictionary<string, Tensor> tensors, string module, string key, string type, JsonObject stats, JsonObject mapping)
    {
        var mode = mapping[type]?.GetValue<string>() ?? "IDENTITY";
        string[] names = mode switch { "MEAN_STD" => ["mean", "std"], "MIN_MAX" => ["min", "max"], _ => [] };
        foreach (var stat in names)
            tensors[$"{module}.buffer_{key.Replace('.', '_')}.{stat}"] = StatTensor(key, stat, stats, type == "VISUAL");
    }

    private void WriteProcessor(string directory, JsonObject stats, JsonObject mapping)
    {
        var features = new JsonObject();
        foreach (var (key, f) in Config["input_features"]!.AsObject()) features[key] = f!.DeepClone();
        foreach (var (key, f) in Config["output_features"]!.AsObject()) features[key] = f!.DeepClone();
        JsonObject Step(string registry, string? stateFile) => new()
        {
            ["registry_name"] = registry,
            ["config"] = new JsonObject { ["eps"] = 1e-8, ["features"] = features.DeepClone(), ["norm_map"] = mapping.DeepClone() },
            ["state_file"] = stateFile,
        };
        var pre = new JsonObject
        {
            ["name"] = "policy_preprocessor",
            ["steps"] = new JsonArray(
                new JsonObject { ["registry_name"] = "rename_observations_processor", ["config"] = new JsonObject { ["rename_map"] = new JsonObject() } },
                new JsonObject { ["registry_name"] = "to_batch_processor", ["config"] = new JsonObject() },
                new JsonObject { ["registry_name"] = "device_processor", ["config"] = new JsonObject { ["device"] = "cpu", ["float_dtype"] = null } },
                Step("normalizer_processor", "policy_preprocessor_step_3_normalizer_processor.safetensors")),
        };
        var post = new JsonObject
        {
            ["name"] = "policy_postprocessor",
            ["steps"] = new JsonArray(
                Step("unnormalizer_processor", "policy_postprocessor_step_0_unnormalizer_processor.safetensors"),
                new JsonObject { ["registry_name"] = "device_processor", ["config"] = new JsonObject { ["device"] = "cpu", ["float_dtype"] = null } }),
        };
        File.WriteAllText(Path.Combine(directory, "policy_preprocessor.json"), pre.ToJsonString());
        File.WriteAllText(Path.Combine(directory, "policy_postprocessor.json"), post.ToJsonString());
        using var scope = NewDisposeScope();
        var all = new Dictionary<string, Tensor>();
        foreach (var (key, s) in stats)
        {
            var visual = Config["input_features"]![key]?["type"]?.GetValue<string>() == "VISUAL";
            foreach (var (stat, _) in s!.AsObject()) all[$"{key}.{stat}"] = StatTensor(key, stat, stats, visual);
        }
        Safetensors.Save(Path.Combine(directory, "policy_preprocessor_step_3_normalizer_processor.safetensors"), all);
        Safetensors.Save(Path.Combine(directory, "policy_postprocessor_step_0_unnormalizer_processor.safetensors"),
            all.Where(kv => kv.Key.StartsWith("action.", StringComparison.Ordinal)));
    }

    private static Tensor StatTensor(string key, string stat, JsonObject stats, bool visual)
    {
        var values = Floats(stats[key]![stat]!.AsArray());
        return visual ? tensor(values, [values.Length, 1, 1]) : tensor(values, [values.Length]);
    }

    private static float[] Floats(JsonNode? node) => node!.AsArray().Select(v => (float)v!.GetValue<double>()).ToArray();

    /// <summary>
    /// The fixture's weight formula (generate_fixtures.py): s ∈ [−1, 1) from splitmix64 over FNV-1a-64(name) and the
    /// element index, computed in float64 and rounded once to float32.
    /// </summary>
    public static float[] WeightFormula(string name, long[] shape)
    {
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var uniform = Uniform(name, n);
        var fanIn = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        var scale = Math.Sqrt(3.0 / fanIn);
        var values = new float[n];
        for (long i = 0; i < n; i++)
        {
            var s = uniform[i];
            double v;
            if (name.EndsWith("running_var", StringComparison.Ordinal)) v = 0.75 + 0.25 * s;
            else if (name.EndsWith("running_mean", StringComparison.Ordinal)) v = 0.1 * s;
            else if (shape.Length >= 2) v = s * scale;
            else if (name.EndsWith("weight", StringComparison.Ordinal)) v = 1.0 + 0.1 * s;
            else v = 0.1 * s;
            values[i] = (float)v;
        }
        return values;
    }

    /// <summary>
    /// Standard normal noise from the same generator (generate_fixtures.py: gaussian): Box-Muller over the streams
    /// <paramref name="name"/> and <paramref name="name"/>#, in float64, rounded once to float32.
    /// </summary>
    public static float[] Gaussian(string name, long count)
    {
        var u1 = Uniform(name, count);
        var u2 = Uniform(name + "#", count);
        var values = new float[count];
        for (long i = 0; i < count; i++)
            values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(1.0 - (u1[i] + 1.0) / 2.0)) * Math.Cos(2.0 * Math.PI * ((u2[i] + 1.0) / 2.0)));
        return values;
    }

    /// <summary>The formula's s ∈ [−1, 1) for elements 0…count−1 of <paramref name="name"/>, in float64.</summary>
    private static double[] Uniform(string name, long count)
    {
        ulong seed = 0xCBF29CE484222325;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            seed ^= b;
            seed *= 0x100000001B3;
        }
        var values = new double[count];
        for (long i = 0; i < count; i++)
        {
            var z = seed + (ulong)(i + 1) * 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            z ^= z >> 31;
            values[i] = 2.0 * ((z >> 11) * (1.0 / (1UL << 53))) - 1.0;
        }
        return values;
    }

    /// <summary>LeRobot's create_sinusoidal_pos_embedding for [1, positions, dim] (float64, then float32).</summary>
    private static float[] SinusoidTable(long[] shape)
    {
        var (positions, dim) = (shape[1], shape[2]);
        var values = new float[positions * dim];
        for (var p = 0; p < positions; p++)
        {
            for (var j = 0; j < dim; j++)
            {
                var angle = p / Math.Pow(10000, 2.0 * (j / 2) / dim);
                values[p * dim + j] = (float)(j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        }
        return values;
    }
}
