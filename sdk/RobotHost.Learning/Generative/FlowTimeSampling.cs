namespace RobotHost.Learning.Generative;

/// <summary>How training times t ∈ (0, 1) are drawn for flow matching.</summary>
public enum FlowTimeSampling
{
    /// <summary>t ~ U(0, 1) (Lipman et al., 2023).</summary>
    Uniform,

    /// <summary>t = sigmoid(n), n ~ N(m, s²): more weight on the middle of the path (Esser et al., 2024, SD3 §3.1).</summary>
    LogitNormal,
}
