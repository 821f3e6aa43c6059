namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// A fixed partition of one camera's episodes into decode groups: runs of consecutive episodes stored back to back in
/// the same mp4, at most a block of frames in all. Every episode belongs to exactly one group, whichever thread asks.
/// </summary>
internal sealed class DecodeGroups
{
    private readonly int[] _groupOf;
    private readonly int[] _offset;
    private readonly List<Group> _groups;

    /// <summary>Episodes <c>First … First + Count − 1</c>, <c>Frames</c> frames in all.</summary>
    public readonly record struct Group(int First, int Count, int Frames);

    private DecodeGroups(int[] groupOf, int[] offset, List<Group> groups) => (_groupOf, _offset, _groups) = (groupOf, offset, groups);

    /// <summary>The group of the episode at <paramref name="episodePosition"/>.</summary>
    public Group Of(int episodePosition) => _groups[_groupOf[episodePosition]];

    /// <summary>Frames of the group that come before this episode's first frame.</summary>
    public int Offset(int episodePosition) => _offset[episodePosition];

    /// <summary>Groups episodes greedily from the first: the next episode joins while it continues the same file within <paramref name="tolerance"/> s and the group stays within <paramref name="maxFrames"/>.</summary>
    public static DecodeGroups Partition(IReadOnlyList<EpisodeRecord> episodes, string videoKey, int maxFrames, double tolerance)
    {
        var groupOf = new int[episodes.Count];
        var offset = new int[episodes.Count];
        var groups = new List<Group>();
        for (var i = 0; i < episodes.Count; i++)
        {
            var joins = i > 0 && groups[^1].Frames + episodes[i].Length <= maxFrames
                && Continues(episodes[i - 1], episodes[i], videoKey, tolerance);
            if (joins)
            {
                var g = groups[^1];
                offset[i] = g.Frames;
                groups[^1] = g with { Count = g.Count + 1, Frames = g.Frames + episodes[i].Length };
            }
            else
            {
                groups.Add(new Group(i, 1, episodes[i].Length));
            }
            groupOf[i] = groups.Count - 1;
        }
        return new DecodeGroups(groupOf, offset, groups);
    }

    private static bool Continues(EpisodeRecord previous, EpisodeRecord next, string videoKey, double tolerance) =>
        previous.Videos.TryGetValue(videoKey, out var a) && next.Videos.TryGetValue(videoKey, out var b)
        && a.Path == b.Path && Math.Abs(b.FromTimestamp - a.ToTimestamp) <= tolerance;
}
