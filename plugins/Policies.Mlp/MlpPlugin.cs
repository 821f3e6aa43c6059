using RobotHost.Sdk;

namespace RobotHost.Plugins.Policies.Mlp;

/// <summary>Registers the <c>mlp</c> behaviour-cloning baseline.</summary>
public sealed class MlpPlugin : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistry registry) =>
        registry.AddPolicy(MlpPolicyFactory.Key, _ => new MlpPolicyFactory(), "MLP behaviour cloning (point estimate, MSE): the baseline that averages multimodal demonstrations");
}
