using RobotHost.Sdk;

namespace MyPlugin;

/// <summary>The plugin's entry point: the host creates it and calls Register once, at load time.</summary>
public sealed class PluginModule : IPluginModule
{
    /// <summary>
    /// Registers this plugin's components. Do not touch hardware here. Every kind is registered as a factory that receives
    /// the host's context (loggers, data directory, operator console) when the host creates the component.
    /// </summary>
    public void Register(IPluginRegistry registry)
    {
#if (IsRobot)
        registry.AddRobot<SampleRobotConfig>("my_device", (config, context) => new SampleRobot(config, context), "A sample robot: a simulated 2-joint arm");
#endif
#if (IsCamera)
        registry.AddCamera<SampleCameraConfig>("my_device", (config, context) => new SampleCamera(config, context), "A sample camera: a moving test pattern");
#endif
#if (IsTeleoperator)
        registry.AddTeleoperator<SampleTeleoperatorConfig>("my_device", (config, context) => new SampleTeleoperator(config), "A sample teleoperator: sine-wave joint targets");
#endif
#if (IsPolicy)
        registry.AddPolicy("my_device", context => new SamplePolicyFactory(), "A sample policy: a linear map from state to action, loaded from JSON");
#endif
#if (IsDataset)
        registry.AddDatasetFormat("my_device", context => new SampleDatasetFormat(context.LoggerFactory), "A sample dataset format: one CSV file per episode");
#endif
    }
}
