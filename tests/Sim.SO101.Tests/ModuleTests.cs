using RobotHost.Plugins.Sim.SO101.Components;
using RobotHost.Plugins.Sim.SO101.Tests.Support;
using RobotHost.Sdk;
using RobotHost.Tests.Shared;

namespace RobotHost.Plugins.Sim.SO101.Tests;

public sealed class ModuleTests
{
    [Fact]
    public void Module_registers_every_component_key_and_the_snapshot_command()
    {
        var registry = new TestRegistry();
        new SimSo101Module().Register(registry);
        Assert.Equal(
            new[] { (ComponentKind.Robot, "sim_so101"), (ComponentKind.Camera, "sim_front"), (ComponentKind.Camera, "sim_wrist"),
                (ComponentKind.Teleoperator, "sim_expert"), (ComponentKind.Environment, "pick_place"), (ComponentKind.Environment, "obstacle_2d"),
                (ComponentKind.Command, "sim-snapshot") }.Order(),
            registry.Keys.Order());
    }

    [Fact]
    public void Plugin_builds_into_its_own_folder_of_the_host_plugin_directory()
    {
        var dll = Path.Combine(RepoPaths.PluginDirectory, "Sim.SO101", "Sim.SO101.dll");
        Assert.True(File.Exists(dll), dll);
        Assert.False(File.Exists(Path.Combine(RepoPaths.PluginDirectory, "Sim.SO101", "RobotHost.Sdk.dll")));
    }

    [Fact]
    public void Components_check_their_configs_and_connection()
    {
        Assert.Contains(new SimRobotConfig { Fps = 0 }.Validate(), p => p.Contains("fps"));
        Assert.Contains(new SimFrontCameraConfig { Width = 2 }.Validate(), p => p.Contains("width"));
        Assert.Contains(new SimExpertConfig { SingleZone = 9 }.Validate(), p => p.Contains("single_zone"));
        Assert.Contains(new SimExpertConfig { Incomplete = 2 }.Validate(), p => p.Contains("incomplete"));
        Assert.Contains(new PickPlaceEnvConfig { Cameras = "top" }.Validate(), p => p.Contains("cameras"));
        Assert.Empty(new PickPlaceEnvConfig().Validate());
        Assert.Empty(new ObstacleEnvConfig { Cameras = "top" }.Validate());

        var registry = new TestRegistry();
        new SimSo101Module().Register(registry);
        var robot = registry.Create<IRobot>("sim_so101", new SimRobotConfig());
        Assert.Equal(["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"], robot.StateFeature.Names!);
        Assert.Throws<RobotHostException>(() => robot.GetObservation());
        robot.Connect();
        robot.Disconnect();
        robot.Disconnect(); // idempotent
    }

    [Fact]
    public void Two_module_instances_never_share_a_world()
    {
        var r1 = new TestRegistry();
        var r2 = new TestRegistry();
        new SimSo101Module().Register(r1);
        new SimSo101Module().Register(r2);
        var a = r1.Create<IRobot>("sim_so101", new SimRobotConfig());
        var b = r2.Create<IRobot>("sim_so101", new SimRobotConfig());
        a.Connect();
        b.Connect();
        for (var i = 0; i < 5; i++) a.SendAction(RobotAction.FromVector(a.ActionFeature.Names!, [50, 0, 0, 0, 0, 0]));
        Assert.NotEqual(a.GetObservation().Values["shoulder_pan.pos"], b.GetObservation().Values["shoulder_pan.pos"]);
    }
}
