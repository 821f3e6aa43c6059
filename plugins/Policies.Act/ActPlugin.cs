using RobotHost.Sdk;

namespace RobotHost.Plugins.Policies.Act;

/// <summary>Registers ACT.</summary>
public sealed class ActPlugin : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistry registry) =>
        registry.AddPolicy(ActPolicyFactory.Key, _ => new ActPolicyFactory(), "ACT: action chunking with transformers and a CVAE (Zhao et al. 2023)");
}
