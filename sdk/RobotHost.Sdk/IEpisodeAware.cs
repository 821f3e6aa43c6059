namespace RobotHost.Sdk;

/// <summary>
/// Optional capability of robots, teleoperators and cameras that keep per-episode state
/// (a simulator placing a new scene, a scripted expert planning a new demonstration).
/// The recorder calls it at the start of every episode.
/// </summary>
public interface IEpisodeAware
{
    /// <summary>A new episode starts; <paramref name="seed"/> makes it reproducible.</summary>
    void OnEpisodeStart(int episodeIndex, int seed);
}
