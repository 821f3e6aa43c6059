using RobotHost.Sdk;

namespace RobotHost.DatasetCheck;

/// <summary>One episode's vectors in memory: what every check reads.</summary>
public sealed class EpisodeSeries
{
    /// <summary>Episode index.</summary>
    public required int Episode { get; init; }
    /// <summary>First global frame index.</summary>
    public required long FromIndex { get; init; }
    /// <summary>Per frame, the state vector.</summary>
    public required float[][] State { get; init; }
    /// <summary>Per frame, the action vector.</summary>
    public required float[][] Action { get; init; }
    /// <summary>Per frame, seconds from the episode start.</summary>
    public required double[] Timestamps { get; init; }
    /// <summary>Per frame, the success flag when the dataset has one.</summary>
    public float[]? Success { get; init; }
    /// <summary>Task of the episode.</summary>
    public required string Task { get; init; }

    /// <summary>Frames.</summary>
    public int Length => Action.Length;

    /// <summary>Reads every episode's vectors (no images).</summary>
    public static IReadOnlyList<EpisodeSeries> Load(IDatasetReader reader)
    {
        var hasState = reader.Schema.Features.Any(f => f.Key == FeatureKeys.State);
        var hasSuccess = reader.Schema.Features.Any(f => f.Key == FeatureKeys.Success);
        var result = new List<EpisodeSeries>(reader.Episodes.Count);
        foreach (var episode in reader.Episodes)
        {
            var n = episode.Length;
            var state = new float[n][];
            var action = new float[n][];
            var time = new double[n];
            var success = hasSuccess ? new float[n] : null;
            for (var i = 0; i < n; i++)
            {
                var frame = reader.GetFrame(episode.FromIndex + i, withImages: false);
                action[i] = frame.Values[FeatureKeys.Action];
                state[i] = hasState ? frame.Values[FeatureKeys.State] : action[i];
                time[i] = frame.Timestamp;
                if (success is not null) success[i] = frame.Values[FeatureKeys.Success][0];
            }
            result.Add(new EpisodeSeries
            {
                Episode = episode.EpisodeIndex, FromIndex = episode.FromIndex, State = state, Action = action, Timestamps = time,
                Success = success, Task = episode.Tasks.FirstOrDefault() ?? "",
            });
        }
        return result;
    }
}
