namespace RobotHost.Learning.Training;

/// <summary>
/// Seeds of the per-step random streams of training (batch sampling, state noise, dropout and latent noise), derived
/// from (run seed, step, stream) with SplitMix64's mixer. Stable across processes and machines — unlike
/// <see cref="HashCode.Combine{T1, T2, T3}"/>, which .NET randomises per process — so the same <c>--seed</c> gives the
/// same batches in every run, and a run resumed in a new process continues exactly as it would have.
/// </summary>
public static class SeedStreams
{
    /// <summary>The seed of <paramref name="stream"/> at <paramref name="step"/> of a run seeded <paramref name="seed"/>.</summary>
    public static int Derive(long seed, long step, int stream)
    {
        var x = Mix(unchecked((ulong)seed));
        x = Mix(x ^ unchecked((ulong)step));
        x = Mix(x ^ (uint)stream);
        return unchecked((int)(x ^ (x >> 32)));
    }

    /// <summary>SplitMix64: advances the state by the golden gamma and returns the mixed output.</summary>
    public static ulong Mix(ulong state)
    {
        var z = unchecked(state + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
