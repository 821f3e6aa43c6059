using static TorchSharp.torch;

namespace RobotHost.Learning.Generative;

/// <summary>
/// The learned network a sampler calls: the current sample (B, …) and a time per batch item (B,) → a prediction of
/// the same shape (the noise ε for diffusion samplers, the velocity for flow samplers). Observation conditioning is
/// captured by the caller's closure.
/// </summary>
public delegate Tensor DenoisingNetwork(Tensor sample, Tensor time);
