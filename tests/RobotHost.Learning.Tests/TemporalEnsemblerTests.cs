using RobotHost.Learning.Policies;

namespace RobotHost.Learning.Tests;

public sealed class TemporalEnsemblerTests
{
    [Fact]
    public void Blends_every_prediction_of_a_step_with_exponential_weights_oldest_first()
    {
        // m = ln 2 gives weights 1, 1/2, 1/4 for the oldest, second oldest and newest prediction of a step.
        var ensembler = new TemporalEnsembler(chunkSize: 3, coefficient: Math.Log(2));
        float[][] a = [[1], [2], [3]];        // predicted at t=0 for t=0,1,2
        float[][] b = [[10], [20], [30]];     // predicted at t=1 for t=1,2,3
        float[][] c = [[100], [200], [300]];  // predicted at t=2 for t=2,3,4
        float[][] d = [[1000], [2000], [3000]];
        Assert.Equal(1f, ensembler.Update(a)[0], 5);
        Assert.Equal((2 + 0.5f * 10) / 1.5f, ensembler.Update(b)[0], 4);                 // t=1: a1, b0
        Assert.Equal((3 + 0.5f * 20 + 0.25f * 100) / 1.75f, ensembler.Update(c)[0], 3);  // t=2: a2, b1, c0
        Assert.Equal((30 + 0.5f * 200 + 0.25f * 1000) / 1.75f, ensembler.Update(d)[0], 3); // t=3: b2, c1, d0 (a has expired)
    }

    [Fact]
    public void Reset_starts_over()
    {
        var ensembler = new TemporalEnsembler(2, 0.01);
        ensembler.Update([[5f, 6f], [7f, 8f]]);
        ensembler.Reset();
        Assert.Equal([1f, 2f], ensembler.Update([[1f, 2f], [3f, 4f]]));
    }
}
