using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// Writes a v3.0 copy of a dataset: v2.1 → v3.0, or a v3.0 dataset re-encoded to another codec (h264 → av1 for
/// publishing). Frames are decoded and re-encoded episode by episode, so memory stays at one episode.
/// </summary>
public static class DatasetConverter
{
    /// <summary>
    /// Converts <paramref name="source"/> into a new dataset at <paramref name="destination"/>. Codec: given, else the
    /// source's when it is h264 or av1, else h264. <paramref name="progress"/> gets (episodes done, episodes total).
    /// </summary>
    public static LeRobotDatasetReader Convert(string source, string destination, string? codec = null, VideoTools? video = null,
        ILoggerFactory? loggerFactory = null, Action<int, int>? progress = null)
    {
        video ??= new VideoTools();
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger(typeof(DatasetConverter));
        if (Path.GetFullPath(source) == Path.GetFullPath(destination))
            throw new RobotHostException("convert needs a new destination folder, not the source itself");
        // Small cache: frames are read in order, one episode at a time.
        using var reader = LeRobotDatasetReader.Open(source, video, loggerFactory, cacheBytes: 256L << 20);
        var sourceCodec = reader.Schema.VisualFeatures.Select(f => DatasetInfo.VideoCodec(reader.Info, f.Key)).FirstOrDefault(c => c is not null);
        codec ??= sourceCodec is "h264" or "av1" ? sourceCodec : "h264";
        var options = new DatasetWriterOptions
        {
            VideoCodec = codec,
            DataFilesSizeInMb = reader.Info["data_files_size_in_mb"]?.GetValue<int>() ?? 100,
            VideoFilesSizeInMb = reader.Info["video_files_size_in_mb"]?.GetValue<int>() ?? 200,
        };
        using (var writer = LeRobotDatasetWriter.Create(destination, reader.Schema, options, video, loggerFactory))
        {
            for (var e = 0; e < reader.Episodes.Count; e++)
            {
                var episode = reader.Episodes[e];
                for (var i = episode.FromIndex; i < episode.ToIndex; i++)
                    writer.AddFrame(reader.GetFrame(i, withImages: true));
                var task = episode.Tasks.FirstOrDefault() ?? (reader.Tasks.Count > 0 ? reader.Tasks[(int)reader.GetFrame(episode.FromIndex, false).TaskIndex] : "");
                writer.SaveEpisode(task);
                progress?.Invoke(e + 1, reader.Episodes.Count);
            }
        }
        logger.LogInformation("Converted {Source} ({Version}) to {Destination} (v3.0, {Codec})", source, reader.CodebaseVersion, destination, codec);
        return LeRobotDatasetReader.Open(destination, video, loggerFactory);
    }
}
