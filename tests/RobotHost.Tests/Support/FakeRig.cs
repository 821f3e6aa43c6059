using RobotHost.Sdk;

namespace RobotHost.Tests.Support;

/// <summary>A six-joint arm that clamps goals to ±<see cref="Limit"/> (so "sent" differs from "asked") and logs every call.</summary>
internal class FakeRobot : IRobot, IEpisodeAware
{
    public static readonly string[] Joints = ["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"];

    private readonly float[] _position = new float[6];

    public float Limit { get; init; } = 50f;
    /// <summary>Throw from GetObservation on this call (1-based), to test error paths.</summary>
    public int ThrowOnObservation { get; init; } = -1;
    public string RobotType => "fake_arm";
    public FeatureSpec StateFeature { get; } = FeatureSpec.Vector(FeatureKeys.State, Joints);
    public FeatureSpec ActionFeature { get; } = FeatureSpec.Vector(FeatureKeys.Action, Joints);
    public bool IsConnected { get; private set; }
    public int Connects { get; private set; }
    public int Disconnects { get; private set; }
    public int Observations { get; private set; }
    public List<float[]> Sent { get; } = [];
    public List<float[]> ObservedStates { get; } = [];
    public List<(int Episode, int Seed)> EpisodeStarts { get; } = [];

    public void Connect(bool calibrate = false) { IsConnected = true; Connects++; }

    public virtual Observation GetObservation()
    {
        if (!IsConnected) throw new InvalidOperationException("not connected");
        Observations++;
        if (Observations == ThrowOnObservation) throw new IOException("servo 3 did not answer");
        ObservedStates.Add((float[])_position.Clone());
        return new Observation { Values = Joints.Select((j, i) => (j, _position[i])).ToDictionary(p => p.j, p => p.Item2) };
    }

    public virtual RobotAction SendAction(RobotAction action)
    {
        if (!IsConnected) throw new InvalidOperationException("not connected");
        var goal = action.ToVector(Joints);
        var sent = goal.Select(v => Math.Clamp(v, -Limit, Limit)).ToArray();
        sent.CopyTo(_position, 0);
        Sent.Add(sent);
        return RobotAction.FromVector(Joints, sent);
    }

    public void Disconnect() { if (IsConnected) Disconnects++; IsConnected = false; }
    public virtual void OnEpisodeStart(int episodeIndex, int seed) { EpisodeStarts.Add((episodeIndex, seed)); Array.Clear(_position); }
    public void Dispose() => Disconnect();
}

/// <summary>A simulated task: done after <see cref="StepsToSuccess"/> actions of an episode.</summary>
internal sealed class FakeSimRobot : FakeRobot, ITaskFeedback
{
    private int _steps;
    public int StepsToSuccess { get; init; } = 10;
    public float Reward => _steps >= StepsToSuccess ? 1f : _steps / (float)StepsToSuccess;
    public bool Success => _steps >= StepsToSuccess;
    public bool Done => Success;
    public string Condition => "zone 1";
    public override RobotAction SendAction(RobotAction action) { _steps++; return base.SendAction(action); }
    public override void OnEpisodeStart(int episodeIndex, int seed) { _steps = 0; base.OnEpisodeStart(episodeIndex, seed); }
}

/// <summary>A teleoperator producing a ramp that overshoots the fake robot's limit, so clamping shows.</summary>
internal sealed class FakeTeleop : ITeleoperator, IEpisodeAware
{
    private int _tick;
    public FeatureSpec ActionFeature { get; } = FeatureSpec.Vector(FeatureKeys.Action, FakeRobot.Joints);
    public bool IsConnected { get; private set; }
    public int Disconnects { get; private set; }
    public List<(int Episode, int Seed)> EpisodeStarts { get; } = [];
    public void Connect(bool calibrate = false) => IsConnected = true;
    public RobotAction GetAction()
    {
        _tick++;
        return RobotAction.FromVector(FakeRobot.Joints, Enumerable.Range(0, 6).Select(j => (float)(_tick * (j + 1))).ToArray());
    }
    public void Disconnect() { if (IsConnected) Disconnects++; IsConnected = false; }
    public void OnEpisodeStart(int episodeIndex, int seed) => EpisodeStarts.Add((episodeIndex, seed));
    public void Dispose() => Disconnect();
}

/// <summary>A camera that makes a new small frame on every ReadLatest (pixel values = sequence number).</summary>
internal sealed class FakeCamera(string name, int width = 8, int height = 6) : ICamera, IEpisodeAware
{
    private long _sequence;
    public string Name => name;
    public int Width => width;
    public int Height => height;
    public double Fps => 30;
    public CameraHealth Health { get; private set; }
    public int Disconnects { get; private set; }
    public List<(int Episode, int Seed)> EpisodeStarts { get; } = [];
    public void Connect() => Health = CameraHealth.Streaming;
    public CameraFrame Read(TimeSpan timeout) => ReadLatest()!;
    public CameraFrame? ReadLatest()
    {
        if (Health != CameraHealth.Streaming) return null;
        var seq = _sequence++;
        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)(seq % 256));
        return new CameraFrame(width, height, rgb, seq, HostClock.Now);
    }
    public void Disconnect() { if (Health == CameraHealth.Streaming) Disconnects++; Health = CameraHealth.Disconnected; }
    public void OnEpisodeStart(int episodeIndex, int seed) => EpisodeStarts.Add((episodeIndex, seed));
    public void Dispose() => Disconnect();
}
