using RobotHost.Plugins.Robots.SO101.Calibration;
using RobotHost.Plugins.Robots.SO101.Devices;
using RobotHost.Plugins.Robots.SO101.Protocol;
using RobotHost.Plugins.Robots.SO101.Virtual;
using RobotHost.Sdk;
using Robots.SO101.Tests.Support;

namespace Robots.SO101.Tests;

/// <summary>LeRobot-compatible calibration over a pty, answers scripted as a person at the arm would give them.</summary>
public sealed class CalibrationTests
{
    private static readonly int[] MiddlePose = [2100, 1900, 2047, 3000, 1000, 2500];
    private static readonly int[] SweepMin = [800, 900, 850, 870, 2047, 2030];
    private static readonly int[] SweepMax = [3300, 3200, 3100, 3150, 2047, 3470];

    /// <summary>Moves every joint but wrist_roll to its min, then its max, waiting until the recorder has seen each pose.</summary>
    private static void Sweep(VirtualServoBus arm)
    {
        foreach (var pose in new[] { SweepMin, SweepMax, Enumerable.Repeat(Sts3215.HalfTurn, 6).ToArray() })
        {
            var reads = arm.Servos[1].PresentPositionReads;
            for (var i = 0; i < 6; i++)
                if (i != 4) arm.Servos[i + 1].MoveByHand(pose[i]);
            Assert.True(Wait.Until(() => arm.Servos[1].PresentPositionReads >= reads + 2), "the calibration did not sample positions");
        }
    }

    [Fact]
    public void Calibration_writes_the_json_lerobot_would_write_and_the_motor_registers()
    {
        var dir = Arms.TempDir();
        using var arm = VirtualServoBus.So101(id => MiddlePose[id - 1]);
        var op = new ScriptedOperator(
            q => { Assert.Contains("middle of its range", q); return ""; },
            q => { Assert.Contains("stop recording", q); Sweep(arm); return ""; });
        using var follower = Arms.Follower(arm, dir, "my_follower", op);
        Wait.Bounded(() => follower.Connect(calibrate: true));

        // LeRobot: homing_offset = present − 2047 at the middle pose; ranges from the sweep; wrist_roll 0..4095; drive_mode 0;
        // json.dump(indent=4) of {motor: {id, drive_mode, homing_offset, range_min, range_max}}.
        var expected = """
            {
                "shoulder_pan": {
                    "id": 1,
                    "drive_mode": 0,
                    "homing_offset": 53,
                    "range_min": 800,
                    "range_max": 3300
                },
                "shoulder_lift": {
                    "id": 2,
                    "drive_mode": 0,
                    "homing_offset": -147,
                    "range_min": 900,
                    "range_max": 3200
                },
                "elbow_flex": {
                    "id": 3,
                    "drive_mode": 0,
                    "homing_offset": 0,
                    "range_min": 850,
                    "range_max": 3100
                },
                "wrist_flex": {
                    "id": 4,
                    "drive_mode": 0,
                    "homing_offset": 953,
                    "range_min": 870,
                    "range_max": 3150
                },
                "wrist_roll": {
                    "id": 5,
                    "drive_mode": 0,
                    "homing_offset": -1047,
                    "range_min": 0,
                    "range_max": 4095
                },
                "gripper": {
                    "id": 6,
                    "drive_mode": 0,
                    "homing_offset": 453,
                    "range_min": 2030,
                    "range_max": 3470
                }
            }
            """;
        var path = Path.Combine(dir, "my_follower.json");
        Assert.Equal(path, follower.CalibrationPath);
        Assert.Equal(expected, File.ReadAllText(path));

        int[] offsets = [53, -147, 0, 953, -1047, 453];
        for (var id = 1; id <= 6; id++)
        {
            var servo = arm.Servos[id];
            Assert.Equal(offsets[id - 1], servo.HomingOffset);
            Assert.Equal(id == 5 ? 0 : SweepMin[id - 1], servo.MinPositionLimit);
            Assert.Equal(id == 5 ? 4095 : SweepMax[id - 1], servo.MaxPositionLimit);
            Assert.Equal(0, servo.Get(Sts3215.ReturnDelayTime));
            Assert.True(servo.TorqueEnabled);
        }
        Assert.Equal(16, arm.Servos[2].Get(Sts3215.PCoefficient));
        Assert.Equal(32, arm.Servos[2].Get(Sts3215.DCoefficient));
        Assert.Contains(op.Said, s => s.Contains(path));

        // The middle pose now reads 0° for body joints; reconnecting verifies the file against the motors.
        follower.Disconnect();
        Assert.True(Arms.AllTorqueOff(arm));
        Wait.Bounded(() => follower.Connect());
        var observation = follower.GetObservation();
        Assert.Equal(So101Joints.Features, observation.Values.Keys);
        follower.Disconnect();
    }

    [Fact]
    public void A_homing_offset_beyond_2047_names_the_joint_to_move()
    {
        var dir = Arms.TempDir();
        using var arm = VirtualServoBus.So101(id => id == 3 ? 4095 : 2047);
        using var leader = Arms.Leader(arm, dir, "l", new ScriptedOperator(_ => ""));
        var e = Wait.Bounded(() => Assert.Throws<RobotHostException>(() => leader.Connect(calibrate: true)));
        Assert.Contains("'elbow_flex'", e.Message);
        Assert.Contains("2048", e.Message);
        Assert.Contains("Move 'elbow_flex'", e.Message);
        Assert.DoesNotContain("shoulder_pan", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "l.json")));
        Assert.True(Arms.AllTorqueOff(arm));
    }

    [Fact]
    public void The_calibration_file_of_another_arm_is_refused_with_a_mismatch_message()
    {
        var dir = Arms.TempDir();
        using var mine = VirtualSo101.StartCalibratedArm(dir, "arm_a");
        var other = VirtualSo101.TypicalCalibration();
        other["elbow_flex"] = other["elbow_flex"] with { HomingOffset = 512, RangeMin = 1000 };
        using var otherArm = VirtualServoBus.So101();
        VirtualSo101.Apply(otherArm.Servos, other);

        using var follower = Arms.Follower(otherArm, dir, "arm_a");
        var e = Wait.Bounded(() => Assert.Throws<RobotHostException>(() => follower.Connect()));
        Assert.Contains("calibration mismatch", e.Message);
        Assert.Contains("elbow_flex homing_offset file -1104 vs motor 512", e.Message);
        Assert.Contains("another arm", e.Message);
        Assert.Contains("robothost calibrate --robot so101_follower", e.Message);
        Assert.False(follower.IsConnected);
        Assert.True(Arms.AllTorqueOff(otherArm));

        // The right arm with the same file connects.
        using var right = Arms.Follower(mine, dir, "arm_a");
        Wait.Bounded(() => right.Connect());
        right.Disconnect();
    }

    [Fact]
    public void A_missing_calibration_file_says_how_to_calibrate()
    {
        var dir = Arms.TempDir();
        using var arm = VirtualServoBus.So101();
        using var leader = Arms.Leader(arm, dir, "nobody");
        var e = Wait.Bounded(() => Assert.Throws<RobotHostException>(() => leader.Connect()));
        Assert.Contains("no calibration file", e.Message);
        Assert.Contains("robothost calibrate --teleop so101_leader", e.Message);
    }

    [Fact]
    public void Calibration_files_go_where_lerobot_keeps_them()
    {
        var saved = (Environment.GetEnvironmentVariable("HF_LEROBOT_CALIBRATION"), Environment.GetEnvironmentVariable("HF_LEROBOT_HOME"), Environment.GetEnvironmentVariable("HF_HOME"));
        try
        {
            Environment.SetEnvironmentVariable("HF_LEROBOT_CALIBRATION", "/tmp/cal");
            Assert.Equal("/tmp/cal/robots/so_follower/a.json", CalibrationFile.PathFor(null, "robots", "so_follower", "a"));
            Environment.SetEnvironmentVariable("HF_LEROBOT_CALIBRATION", null);
            Environment.SetEnvironmentVariable("HF_LEROBOT_HOME", null);
            Environment.SetEnvironmentVariable("HF_HOME", "/tmp/hf");
            Assert.Equal("/tmp/hf/lerobot/calibration/teleoperators/so_leader/b.json", CalibrationFile.PathFor(null, "teleoperators", "so_leader", "b"));
            Environment.SetEnvironmentVariable("HF_HOME", null);
            var home = Environment.GetEnvironmentVariable("HOME");
            Assert.Equal($"{home}/.cache/huggingface/lerobot/calibration/robots/so_follower/c.json", CalibrationFile.PathFor(null, "robots", "so_follower", "c"));
            Assert.Equal("/x/c.json", CalibrationFile.PathFor("/x", "robots", "so_follower", "c"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_LEROBOT_CALIBRATION", saved.Item1);
            Environment.SetEnvironmentVariable("HF_LEROBOT_HOME", saved.Item2);
            Environment.SetEnvironmentVariable("HF_HOME", saved.Item3);
        }
    }

    [Fact]
    public void Units_match_lerobot_normalisation()
    {
        var c = new MotorCalibration(1, 0, 0, 1000, 3000);
        Assert.Equal(0f, JointUnits.ToUser(2000, c, JointUnit.Degrees));
        Assert.Equal(1000 * 360f / 4095, JointUnits.ToUser(3000, c, JointUnit.Degrees), 3);
        Assert.Equal(50f, JointUnits.ToUser(2000, c, JointUnit.Range0To100));
        Assert.Equal(100f, JointUnits.ToUser(3500, c, JointUnit.Range0To100)); // bounded like LeRobot
        Assert.Equal(-100f, JointUnits.ToUser(1000, c, JointUnit.RangeM100To100));
        Assert.Equal(75f, JointUnits.ToUser(1500, c with { DriveMode = 1 }, JointUnit.Range0To100)); // drive_mode inverts
        Assert.Equal(2000 + (int)(10 * 4095 / 360.0), JointUnits.ToRaw(10f, c, JointUnit.Degrees));
        Assert.Equal(1500, JointUnits.ToRaw(25f, c, JointUnit.Range0To100));
    }
}
