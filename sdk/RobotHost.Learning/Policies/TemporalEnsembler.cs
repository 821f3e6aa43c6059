namespace RobotHost.Learning.Policies;

/// <summary>
/// ACT's temporal ensembling (Zhao et al. 2023, §3.3): the policy is queried every step; every chunk predicted so far
/// that covers the current step contributes its action, weighted w_i = exp(−m·i) with i = 0 for the oldest prediction.
/// Kept online as LeRobot's ACTTemporalEnsembler does: a running weighted average per future step.
/// </summary>
public sealed class TemporalEnsembler
{
    private readonly int _chunkSize;
    private readonly double[] _weights;
    private readonly double[] _cumulative;
    private List<float[]>? _ensembled;
    private List<int>? _counts;

    /// <summary>Creates an ensembler for chunks of <paramref name="chunkSize"/> with coefficient m = <paramref name="coefficient"/> (0.01 in the paper).</summary>
    public TemporalEnsembler(int chunkSize, double coefficient)
    {
        _chunkSize = chunkSize;
        _weights = Enumerable.Range(0, chunkSize).Select(i => Math.Exp(-coefficient * i)).ToArray();
        _cumulative = new double[chunkSize];
        double sum = 0;
        for (var i = 0; i < chunkSize; i++) _cumulative[i] = sum += _weights[i];
    }

    /// <summary>Forgets every prediction (episode start).</summary>
    public void Reset()
    {
        _ensembled = null;
        _counts = null;
    }

    /// <summary>Adds the chunk predicted at this step (chunk[0] is for this step) and returns the blended action for this step.</summary>
    public float[] Update(IReadOnlyList<float[]> chunk)
    {
        if (chunk.Count != _chunkSize) throw new ArgumentException($"chunk has {chunk.Count} actions, the ensembler expects {_chunkSize}");
        if (_ensembled is null || _counts is null)
        {
            _ensembled = chunk.Select(a => (float[])a.Clone()).ToList();
            _counts = Enumerable.Repeat(1, _chunkSize).ToList();
        }
        else
        {
            // The stored running averages cover steps t … t+k−2; the new chunk covers t … t+k−1.
            for (var j = 0; j < _ensembled.Count; j++)
            {
                var n = _counts[j];
                var previous = _cumulative[n - 1];
                var weight = _weights[n];
                var total = _cumulative[n];
                var average = _ensembled[j];
                for (var d = 0; d < average.Length; d++)
                    average[d] = (float)((average[d] * previous + chunk[j][d] * weight) / total);
                _counts[j] = Math.Min(n + 1, _chunkSize - 1);
            }
            _ensembled.Add((float[])chunk[^1].Clone());
            _counts.Add(1);
        }
        var action = _ensembled[0];
        _ensembled.RemoveAt(0);
        _counts.RemoveAt(0);
        return action;
    }
}
