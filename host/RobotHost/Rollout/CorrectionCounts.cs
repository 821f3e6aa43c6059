using RobotHost.Recording;
using RobotHost.Sdk;

namespace RobotHost.Rollout;

/// <summary>What a dataset of recorded rollouts holds: episodes, how many of them the person corrected, and the frames by who drove.</summary>
/// <param name="Episodes">Episodes in the dataset.</param>
/// <param name="CorrectedEpisodes">Episodes with at least one takeover frame.</param>
/// <param name="TakeoverFrames">Frames the person drove (<see cref="FrameSource.Takeover"/>).</param>
/// <param name="PolicyFrames">Frames the policy drove (<see cref="FrameSource.Policy"/>).</param>
public sealed record CorrectionCounts(int Episodes, int CorrectedEpisodes, long TakeoverFrames, long PolicyFrames)
{
    /// <summary>Counts the <see cref="FeatureKeys.Source"/> column of every frame (images are not decoded).</summary>
    public static CorrectionCounts Of(IDatasetReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var corrected = 0;
        long takeover = 0, policy = 0;
        foreach (var episode in reader.Episodes)
        {
            long inEpisode = 0;
            for (var i = episode.FromIndex; i < episode.ToIndex; i++)
            {
                var source = Recorder.SourceOf(reader.GetFrame(i, withImages: false).Values);
                if (source == FrameSource.Takeover) inEpisode++;
                else if (source == FrameSource.Policy) policy++;
            }
            takeover += inEpisode;
            if (inEpisode > 0) corrected++;
        }
        return new CorrectionCounts(reader.Episodes.Count, corrected, takeover, policy);
    }

    /// <summary>One line for the TUI.</summary>
    public override string ToString() => $"{Episodes} episode(s), {CorrectedEpisodes} corrected, {TakeoverFrames} takeover frames";
}
