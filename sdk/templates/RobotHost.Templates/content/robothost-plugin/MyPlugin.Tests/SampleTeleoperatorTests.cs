namespace MyPlugin.Tests;

public sealed class SampleTeleoperatorTests
{
    [Fact]
    public void Produces_a_sine_wave_over_its_period()
    {
        using var teleop = new SampleTeleoperator(new SampleTeleoperatorConfig { Amplitude = 10, Period = 4 });
        teleop.Connect();
        var first = teleop.GetAction().Values["joint1.pos"];
        var quarter = teleop.GetAction().Values["joint1.pos"];
        Assert.Equal(0f, first, 3);
        Assert.Equal(10f, quarter, 3);
    }
}
