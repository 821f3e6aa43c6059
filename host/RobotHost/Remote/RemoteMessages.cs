using Google.Protobuf;
using RobotHost.Remote.Protocol;
using RobotHost.Sdk;

namespace RobotHost.Remote;

/// <summary>Conversions between the SDK's types and the wire messages of policy.proto, one place for both ends.</summary>
internal static class RemoteMessages
{
    public static Feature ToMessage(FeatureSpec spec)
    {
        var message = new Feature { Key = spec.Key, Dtype = spec.DType, HasNames = spec.Names is not null };
        message.Shape.AddRange(spec.Shape);
        if (spec.Names is not null) message.Names.AddRange(spec.Names);
        return message;
    }

    public static FeatureSpec FromMessage(Feature message) =>
        new(message.Key, message.Dtype, message.Shape.ToArray(), message.HasNames ? message.Names.ToArray() : null);

    public static ServedPolicyInfo ToMessage(IPolicy policy, string checkpoint)
    {
        var info = policy.Info;
        var message = new ServedPolicyInfo
        {
            PolicyType = info.PolicyType,
            ActionFeature = ToMessage(info.ActionFeature),
            Fps = info.Fps,
            Checkpoint = checkpoint,
        };
        message.InputFeatures.AddRange(info.InputFeatures.Select(ToMessage));
        if (policy is IChunkPolicy chunks)
        {
            message.IsChunkPolicy = true;
            message.ChunkLength = chunks.ChunkLength;
            message.ExecutionHorizon = chunks.ExecutionHorizon;
            message.SupportsGuidance = chunks.SupportsGuidance;
        }
        return message;
    }

    public static PolicyInfo FromMessage(ServedPolicyInfo message) =>
        new(message.PolicyType, message.InputFeatures.Select(FromMessage).ToList(), FromMessage(message.ActionFeature), message.Fps);

    /// <summary>The observation as sent: state values by name, each camera's frame as raw RGB bytes with its size.</summary>
    public static ObservationMessage ToMessage(Observation observation)
    {
        var message = new ObservationMessage { Timestamp = observation.Timestamp };
        foreach (var (name, value) in observation.Values)
        {
            message.Names.Add(name);
            message.Values.Add(value);
        }
        foreach (var (camera, frame) in observation.Images)
        {
            message.Images.Add(new Image
            {
                Camera = camera, Width = frame.Width, Height = frame.Height, Sequence = frame.Sequence, CaptureTime = frame.CaptureTime,
                // The frame is immutable by the SDK's convention, so its buffer is sent without a copy.
                Rgb = UnsafeByteOperations.UnsafeWrap(frame.Rgb),
            });
        }
        return message;
    }

    /// <exception cref="RobotHostException">The message is malformed (names and values differ in count, an image's bytes do not match its size).</exception>
    public static Observation FromMessage(ObservationMessage message)
    {
        if (message.Names.Count != message.Values.Count)
            throw new RobotHostException($"observation has {message.Names.Count} names but {message.Values.Count} values");
        var values = new Dictionary<string, float>(message.Names.Count, StringComparer.Ordinal);
        for (var i = 0; i < message.Names.Count; i++) values[message.Names[i]] = message.Values[i];
        var images = new Dictionary<string, CameraFrame>(message.Images.Count, StringComparer.Ordinal);
        foreach (var image in message.Images)
        {
            var frame = new CameraFrame(image.Width, image.Height, image.Rgb.ToByteArray(), image.Sequence, image.CaptureTime);
            if (!frame.IsWellFormed)
                throw new RobotHostException($"camera '{image.Camera}' sent {image.Rgb.Length} bytes for a {image.Width}×{image.Height} RGB image ({(long)image.Width * image.Height * 3} expected)");
            images[image.Camera] = frame;
        }
        return new Observation { Values = values, Images = images, Timestamp = message.Timestamp };
    }

    /// <summary>Rows of equal length flattened into <paramref name="into"/>; returns the row length.</summary>
    public static int Flatten(IEnumerable<float[]> rows, Google.Protobuf.Collections.RepeatedField<float> into)
    {
        var size = -1;
        foreach (var row in rows)
        {
            if (size >= 0 && row.Length != size) throw new RobotHostException($"actions of different lengths ({size} and {row.Length}) cannot be sent as one chunk");
            size = row.Length;
            into.AddRange(row);
        }
        return Math.Max(size, 0);
    }

    public static IReadOnlyList<float[]> Rows(Google.Protobuf.Collections.RepeatedField<float> flat, int size)
    {
        if (size <= 0) return flat.Count == 0 ? [] : throw new RobotHostException($"{flat.Count} action values without an action size");
        if (flat.Count % size != 0) throw new RobotHostException($"{flat.Count} action values are not whole actions of {size}");
        var rows = new float[flat.Count / size][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new float[size];
            for (var i = 0; i < size; i++) rows[r][i] = flat[r * size + i];
        }
        return rows;
    }
}
