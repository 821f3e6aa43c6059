using Terminal.Gui.App;
using Terminal.Gui.Input;

namespace RobotHost.Tui;

/// <summary>Runs the operator UI on a Terminal.Gui v2 application instance (instance model; no static Application).</summary>
public static class TuiApp
{
    /// <summary>Screen refresh period: 10 Hz is enough to read and costs the control loop nothing (it never waits for us).</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs until the operator quits (q / Esc while not recording, training or evaluating). Recording is stopped and torque off afterwards.</summary>
    public static void Run(RigController rig, LearnController learn, LogRingSink? log, string? driver = null)
    {
        using var app = Application.Create();
        app.Init(driver);
        using var window = Attach(app, rig, learn, log);
        app.Run(window);
    }

    /// <summary>Creates the window and hooks application-level keys and the refresh timer onto <paramref name="app"/>.</summary>
    public static RobotHostWindow Attach(IApplication app, RigController rig, LearnController learn, LogRingSink? log)
    {
        var window = new RobotHostWindow(rig, learn, log);
        // Application-level: these keys work from every view, before a focused view can swallow Space or Esc.
        app.Keyboard.KeyDown += (_, key) =>
        {
            if (!key.Handled && window.HandleKey(key)) key.Handled = true;
        };
        app.AddTimeout(RefreshPeriod, () =>
        {
            window.Refresh();
            return true;
        });
        return window;
    }
}
