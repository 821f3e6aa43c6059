using RobotHost.DatasetCheck;
using RobotHost.Sdk;

namespace RobotHost.Recording;

/// <summary>
/// Keeps the vectors of the episode being recorded (state, action, success: a few hundred bytes a frame, no images) so
/// that the dataset check's single-episode findings (<see cref="DatasetChecker.InspectEpisode"/>) can be told to the
/// operator as soon as the episode is saved ("episode 12 has 2.1 s idle at the start"), while re-recording is cheap.
/// </summary>
internal sealed class EpisodeInspector(int fps, DatasetCheckOptions? options = null)
{
    private readonly List<float[]> _state = [];
    private readonly List<float[]> _action = [];
    private readonly List<float> _success = [];
    private bool _hasSuccess = true;

    /// <summary>Forgets the previous episode.</summary>
    public void Begin()
    {
        _state.Clear();
        _action.Clear();
        _success.Clear();
        _hasSuccess = true;
    }

    /// <summary>Keeps one recorded frame's vectors.</summary>
    public void Add(DatasetFrame frame)
    {
        if (!frame.Values.TryGetValue(FeatureKeys.Action, out var action)) return;
        _action.Add(action);
        _state.Add(frame.Values.TryGetValue(FeatureKeys.State, out var state) ? state : action);
        if (frame.Values.TryGetValue(FeatureKeys.Success, out var success) && success.Length > 0) _success.Add(success[0]);
        else _hasSuccess = false;
    }

    /// <summary>The episode as the check sees it, numbered <paramref name="episodeIndex"/>; null when nothing was kept.</summary>
    public EpisodeSeries? Take(int episodeIndex)
    {
        if (_action.Count == 0) return null;
        return new EpisodeSeries
        {
            Episode = episodeIndex, FromIndex = 0, Task = "",
            State = [.. _state], Action = [.. _action],
            Timestamps = Enumerable.Range(0, _action.Count).Select(i => i / (double)fps).ToArray(),
            Success = _hasSuccess && _success.Count == _action.Count ? [.. _success] : null,
        };
    }

    /// <summary>The single-episode findings for <paramref name="episode"/>.</summary>
    public IReadOnlyList<string> Inspect(EpisodeSeries? episode) =>
        episode is null ? [] : DatasetChecker.InspectEpisode(episode, fps, options);
}
