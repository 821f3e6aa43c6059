using RobotHost.Sdk;

namespace MyPlugin.Tests;

public sealed class SamplePolicyTests
{
    [Fact]
    public void A_saved_checkpoint_loads_and_computes_its_linear_map()
    {
        var context = new TestContext();
        var dir = Path.Combine(context.DataDirectory, "checkpoint");
        SamplePolicyFactory.Save(dir, new SamplePolicyConfig { Weights = [2, 0, 0, -1], Bias = [1, 0] });
        using var policy = new SamplePolicyFactory().Load(dir, context);
        var action = policy.SelectAction(new Observation { Values = new Dictionary<string, float> { ["joint1.pos"] = 3, ["joint2.pos"] = 4 } });
        Assert.Equal([7f, -4f], action);
        Assert.Throws<RobotHostException>(() => new SamplePolicyFactory().Load(context.DataDirectory, context));
    }
}
