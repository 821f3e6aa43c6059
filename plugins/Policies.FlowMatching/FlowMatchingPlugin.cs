using RobotHost.Sdk;

namespace RobotHost.Plugins.Policies.FlowMatching;

/// <summary>Registers the <c>flow_matching</c> policy.</summary>
public sealed class FlowMatchingPlugin : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistry registry) =>
        registry.AddPolicy(FlowMatchingPolicyFactory.Key, _ => new FlowMatchingPolicyFactory(),
            "Flow matching (Lipman et al. 2023, as in π0): the Diffusion Policy U-Net learns a straight-path velocity field, sampled with a few Euler steps; handles multimodal demonstrations");
}
