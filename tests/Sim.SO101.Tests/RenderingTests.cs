using RobotHost.Plugins.Sim.SO101.Components;
using RobotHost.Plugins.Sim.SO101.PickPlace;
using RobotHost.Plugins.Sim.SO101.Rendering;
using RobotHost.Plugins.Sim.SO101.Tests.Support;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Plugins.Sim.SO101.Tests;

public sealed class RenderingTests
{
    /// <summary>Pixels of the cube's red (the only saturated red in the scene).</summary>
    private static List<(int X, int Y)> CubePixels(CameraFrame frame)
    {
        var pixels = new List<(int, int)>();
        for (var y = 0; y < frame.Height; y++)
        for (var x = 0; x < frame.Width; x++)
        {
            var i = (y * frame.Width + x) * 3;
            int r = frame.Rgb[i], g = frame.Rgb[i + 1], b = frame.Rgb[i + 2];
            if (r > 120 && r > 2 * g && r > 2 * b) pixels.Add((x, y));
        }
        return pixels;
    }

    [Fact]
    public void Front_images_show_the_cube_at_a_different_place_in_every_zone()
    {
        using var env = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "front,wrist" });
        var centroids = new List<(double X, double Y)>();
        var images = new List<byte[]>();
        for (var seed = 0; seed < PickPlaceLayout.ZoneCount; seed++)
        {
            var frame = env.Reset(seed).Observation.Images["front"];
            Assert.True(frame.IsWellFormed);
            Assert.Equal((96, 96), (frame.Width, frame.Height));
            var cube = CubePixels(frame);
            Assert.True(cube.Count >= 6, $"zone {env.Condition}: only {cube.Count} cube pixels");
            centroids.Add((cube.Average(p => p.X), cube.Average(p => p.Y)));
            images.Add(frame.Rgb);
        }
        for (var i = 0; i < centroids.Count; i++)
        for (var j = i + 1; j < centroids.Count; j++)
        {
            var d = Math.Sqrt(Math.Pow(centroids[i].X - centroids[j].X, 2) + Math.Pow(centroids[i].Y - centroids[j].Y, 2));
            Assert.True(d > 4, $"cube in zones {i + 1} and {j + 1} appears at nearly the same place ({d:F1} px)");
            Assert.NotEqual(images[i], images[j]);
        }
    }

    [Fact]
    public void Zones_framing_shows_every_cube_whole_and_larger_than_the_table_framing()
    {
        using var table = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "front" });
        using var zones = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "front", FrontFraming = "zones" });
        var ratios = new List<double>();
        // Five seeds per zone: the cube's jitter and yaw vary, it must never touch the image border.
        for (var seed = 0; seed < 5 * PickPlaceLayout.ZoneCount; seed++)
        {
            var wide = CubePixels(table.Reset(seed).Observation.Images["front"]);
            var close = CubePixels(zones.Reset(seed).Observation.Images["front"]);
            Assert.True(close.Count > 0 && close.All(p => p.X is > 0 and < 95 && p.Y is > 0 and < 95),
                $"seed {seed} (zone {zones.Condition}): the cube touches the border of the zones view");
            ratios.Add((double)close.Count / wide.Count);
        }
        // 42° instead of 58°: about 1.4× the size, so about twice the pixels.
        Assert.True(ratios.Min() > 1.5, $"cube pixels zones/table: min {ratios.Min():F2}");

        // The robot path's sim_front camera takes the same option.
        var registry = new TestRegistry();
        new SimSo101Module().Register(registry);
        int RigCubePixels(string framing)
        {
            var camera = registry.Create<ICamera>("sim_front", new SimFrontCameraConfig { Rig = "framing", Width = 96, Height = 96, Framing = framing });
            camera.Connect();
            return CubePixels(camera.ReadLatest()!).Count;
        }
        Assert.True(RigCubePixels("zones") > 1.5 * RigCubePixels("table"), "sim_front ignores framing=zones");

        Assert.Contains("framing must be 'table'", string.Join("; ", new SimFrontCameraConfig { Framing = "close" }.Validate()));
        Assert.Contains("front_framing must be", string.Join("; ", new PickPlaceEnvConfig { FrontFraming = "zoom" }.Validate()));
    }

    [Fact]
    public void Wrist_camera_sees_the_cube_when_the_gripper_is_over_it()
    {
        using var env = new PickPlaceEnvironment(new PickPlaceEnvConfig());
        var results = Rollouts.ExpertEpisode(env, 1);
        // Some frame before the grasp: the cube fills a good part of the wrist view.
        var most = results.Take(results.Count / 2).Max(r => CubePixels(r.Observation.Images["wrist"]).Count);
        Assert.True(most > 96 * 96 / 60, $"at most {most} cube pixels in the wrist view");
        Assert.True(CubePixels(results[0].Observation.Images["wrist"]).Count < most / 4); // at rest it looks past the cube
        // And the wrist view changes as the arm moves.
        Assert.NotEqual(results[0].Observation.Images["wrist"].Rgb, results[30].Observation.Images["wrist"].Rgb);
    }

    [Fact]
    public void Cameras_of_a_rig_render_the_world_the_robot_moves_once_per_tick()
    {
        var registry = new TestRegistry();
        new SimSo101Module().Register(registry);
        var (robot, front, wrist, teleop) = Rollouts.Rig(registry, width: 64, height: 48);
        Assert.Null(registry.Create<ICamera>("sim_front", new SimFrontCameraConfig()).ReadLatest()); // not connected: no frame
        ((IEpisodeAware)robot).OnEpisodeStart(0, 0);
        var a = front.ReadLatest()!;
        var again = front.ReadLatest()!;
        Assert.Same(a, again); // cached within a tick
        Assert.Equal((64, 48), (a.Width, a.Height));
        for (var i = 0; i < 20; i++) robot.SendAction(teleop.GetAction());
        var b = front.Read(TimeSpan.FromSeconds(1));
        Assert.Equal(a.Sequence + 20, b.Sequence);
        Assert.NotEqual(a.Rgb, b.Rgb); // the arm moved
        // A camera of another rig does not see this rig's arm.
        var other = registry.Create<ICamera>("sim_front", new SimFrontCameraConfig { Rig = "other", Width = 64, Height = 48 });
        other.Connect();
        Assert.NotEqual(b.Rgb, other.ReadLatest()!.Rgb);
        Assert.Equal(30, wrist.Fps);
    }

    [Fact]
    public void Snapshot_command_writes_a_png_per_camera()
    {
        var registry = new TestRegistry();
        new SimSo101Module().Register(registry);
        var dir = RepoPaths.NewTempDirectory("sim-snapshot");
        var code = registry.Commands["sim-snapshot"](["--task", "pick_place", "--seed", "3", "--out", dir, "--width", "320", "--height", "240"], registry.Context, CancellationToken.None);
        Assert.Equal(0, code);
        foreach (var name in new[] { "pick_place-seed3-front.png", "pick_place-seed3-wrist.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir, name));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes.Take(4));
            using var image = OpenCvSharp.Cv2.ImRead(Path.Combine(dir, name));
            Assert.Equal((320, 240), (image.Width, image.Height));
        }
        Assert.Equal(0, registry.Commands["sim-snapshot"](["--task", "obstacle_2d", "--seed", "1", "--out", dir], registry.Context, CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(dir, "obstacle_2d-seed1-top.png")));
        Assert.Equal(3, registry.Context.Said.Count);
        Assert.Throws<RobotHostException>(() => registry.Commands["sim-snapshot"](["--task", "stacking", "--out", dir], registry.Context, CancellationToken.None));
        var framing = Assert.Throws<RobotHostException>(() => registry.Commands["sim-snapshot"](["--framing", "close", "--out", dir], registry.Context, CancellationToken.None));
        Assert.Contains("'zones'", framing.Message);
        Directory.Delete(dir, true);
    }
}
