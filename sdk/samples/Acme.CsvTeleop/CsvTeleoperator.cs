using System.Globalization;
using Microsoft.Extensions.Logging;
using RobotHost.Sdk;

namespace Acme.CsvTeleop;

/// <summary>Config: the CSV file to replay (header = action names, one row per tick) and whether to loop.</summary>
public sealed record CsvTeleoperatorConfig : ComponentConfig
{
    /// <summary>Path of the CSV file.</summary>
    public string File { get; init; } = "";
    /// <summary>Start again after the last row (otherwise hold the last row).</summary>
    public bool Loop { get; init; }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(File)) yield return "file is required: the CSV of actions to replay (file=/path/actions.csv)";
        else if (!System.IO.File.Exists(File)) yield return $"file '{File}' does not exist";
    }
}

/// <summary>Replays joint targets from a CSV file, one row per tick: scripted trajectories without a leader arm.</summary>
public sealed class CsvTeleoperator : ITeleoperator
{
    private readonly CsvTeleoperatorConfig _config;
    private readonly ILogger _log;
    private readonly string[] _names;
    private readonly List<float[]> _rows;
    private int _next;

    /// <summary>Reads the file (header first) so the action feature is known before connecting.</summary>
    public CsvTeleoperator(CsvTeleoperatorConfig config, IPluginContext context)
    {
        _config = config;
        _log = context.LoggerFactory.CreateLogger<CsvTeleoperator>();
        var lines = System.IO.File.ReadAllLines(config.File).Where(l => l.Length > 0).ToList();
        if (lines.Count < 2) throw new RobotHostException($"{config.File} needs a header of action names and at least one row");
        _names = lines[0].Split(',').Select(n => n.Trim()).ToArray();
        _rows = lines.Skip(1).Select((l, i) =>
        {
            var cells = l.Split(',');
            if (cells.Length != _names.Length) throw new RobotHostException($"{config.File} line {i + 2} has {cells.Length} values, the header has {_names.Length}");
            return cells.Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        }).ToList();
        ActionFeature = FeatureSpec.Vector(FeatureKeys.Action, _names);
    }

    /// <inheritdoc />
    public FeatureSpec ActionFeature { get; }
    /// <inheritdoc />
    public bool IsConnected { get; private set; }

    /// <inheritdoc />
    public void Connect(bool calibrate = false)
    {
        IsConnected = true;
        _log.LogInformation("replaying {Rows} rows of {Names} from {File}", _rows.Count, string.Join(", ", _names), _config.File);
    }

    /// <inheritdoc />
    public RobotAction GetAction()
    {
        if (!IsConnected) throw new RobotHostException("csv teleoperator is not connected; call Connect() first");
        var row = _rows[Math.Min(_next, _rows.Count - 1)];
        _next = _config.Loop ? (_next + 1) % _rows.Count : _next + 1;
        return RobotAction.FromVector(_names, row);
    }

    /// <inheritdoc />
    public void Disconnect() => IsConnected = false;
    /// <inheritdoc />
    public void Dispose() => Disconnect();
}

/// <summary>Registers teleoperator <c>csv_replay</c>.</summary>
public sealed class CsvTeleopModule : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistry registry) =>
        registry.AddTeleoperator<CsvTeleoperatorConfig>("csv_replay", (config, context) => new CsvTeleoperator(config, context), "Replays joint targets from a CSV file");
}
