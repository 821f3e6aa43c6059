using RobotHost.Plugins;
using RobotHost.Sdk;

namespace RobotHost.Tests.Plugins;

public sealed class ConfigBinderTests
{
    private sealed record ArmConfig : ComponentConfig
    {
        public string Port { get; init; } = "/dev/ttyACM0";
        public int Fps { get; init; } = 30;
        public double MaxRelativeTarget { get; init; } = 5;
        public bool UseDegrees { get; init; } = true;

        public override IEnumerable<string> Validate()
        {
            if (Fps is < 1 or > 120) yield return $"fps must be between 1 and 120, got {Fps}";
        }
    }

    [Fact]
    public void Snake_case_and_pascal_case_options_bind_onto_defaults()
    {
        var config = (ArmConfig)ConfigBinder.Bind(typeof(ArmConfig), "arm",
            new Dictionary<string, string> { ["max_relative_target"] = "2.5", ["Port"] = "/dev/ttyUSB1", ["use-degrees"] = "false" });
        Assert.Equal(2.5, config.MaxRelativeTarget);
        Assert.Equal("/dev/ttyUSB1", config.Port);
        Assert.False(config.UseDegrees);
        Assert.Equal(30, config.Fps);
    }

    [Fact]
    public void Unknown_option_names_the_component_and_lists_the_options()
    {
        var e = Assert.Throws<RobotHostException>(() => ConfigBinder.Bind(typeof(ArmConfig), "arm", new Dictionary<string, string> { ["prot"] = "x" }));
        Assert.Contains("'arm' has no option 'prot'", e.Message);
        Assert.Contains("port", e.Message);
    }

    [Fact]
    public void Validation_failures_are_reported_with_the_fix()
    {
        var e = Assert.Throws<RobotHostException>(() => ConfigBinder.Bind(typeof(ArmConfig), "arm", new Dictionary<string, string> { ["fps"] = "0" }));
        Assert.Contains("fps must be between 1 and 120, got 0", e.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_a_clear_error()
    {
        var e = Assert.Throws<RobotHostException>(() => ConfigBinder.Bind(typeof(ArmConfig), "arm", new Dictionary<string, string> { ["fps"] = "fast" }));
        Assert.Contains("wrong type", e.Message);
    }

    [Fact]
    public void Options_parse_from_name_value_tokens()
    {
        var options = ConfigBinder.ParseOptions(["port=/dev/ttyACM1", "fps = 15"]);
        Assert.Equal("/dev/ttyACM1", options["port"]);
        Assert.Equal("15", options["fps"]);
        Assert.Throws<RobotHostException>(() => ConfigBinder.ParseOptions(["port"]));
    }
}
