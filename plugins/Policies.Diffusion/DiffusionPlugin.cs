using RobotHost.Sdk;

namespace RobotHost.Plugins.Policies.Diffusion;

/// <summary>Registers the <c>diffusion</c> policy.</summary>
public sealed class DiffusionPlugin : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistry registry) =>
        registry.AddPolicy(DiffusionPolicyFactory.Key, _ => new DiffusionPolicyFactory(),
            "Diffusion Policy (Chi et al. 2023): conditional 1-D U-Net denoising an action sequence, DDPM training, DDIM/DDPM sampling; samples one mode of multimodal demonstrations");
}
