using static TorchSharp.torch;

namespace RobotHost.Learning.Policies;

/// <summary>The loss to minimise and named parts worth logging (e.g. <c>l1</c>, <c>kld</c>).</summary>
/// <param name="Loss">Scalar loss tensor (in the step's dispose scope).</param>
/// <param name="Parts">Named scalars for the log.</param>
public sealed record PolicyLoss(Tensor Loss, IReadOnlyDictionary<string, double> Parts);
