using RobotHost.Evaluation;

namespace RobotHost.Tests.Evaluation;

public sealed class WilsonIntervalTests
{
    [Theory]
    // Reference values from the closed-form Wilson score interval, z = 1.96.
    [InlineData(0, 10, 0.0, 0.2775)]
    [InlineData(10, 10, 0.7225, 1.0)]
    [InlineData(45, 50, 0.7864, 0.95652)]
    [InlineData(95, 100, 0.8882, 0.9784)]
    public void Matches_the_closed_form(int successes, int trials, double low, double high)
    {
        var interval = WilsonInterval.Of(successes, trials);
        Assert.Equal(low, interval.Low, 3);
        Assert.Equal(high, interval.High, 3);
    }
}
