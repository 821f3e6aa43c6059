namespace RobotHost.Learning.Normalization;

/// <summary>How a feature is scaled before the network sees it (LeRobot's NormalizationMode).</summary>
public enum NormalizationMode
{
    /// <summary>Values pass unchanged.</summary>
    Identity,
    /// <summary>(x − mean) / std: ACT and MLP defaults.</summary>
    MeanStd,
    /// <summary>Maps [min, max] to [−1, 1]: Diffusion Policy's default for state and action.</summary>
    MinMax,
}
