using System.Globalization;
using System.Text;
using Cv2 = OpenCvSharp.Cv2;
using Mat = OpenCvSharp.Mat;
using MatType = OpenCvSharp.MatType;
using ColorConversionCodes = OpenCvSharp.ColorConversionCodes;
using RobotHost.Recording;
using RobotHost.Sdk;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;
using Attribute = Terminal.Gui.Drawing.Attribute;
using Color = Terminal.Gui.Drawing.Color;

namespace RobotHost.Tui;

/// <summary>
/// The operator's screen: rig panel (devices, joint bars, loop timing), record panel (dataset, episode i of N, phase,
/// time left, totals) or train/eval panel (l switches), camera preview, log pane with plugin failures, an e-stop banner,
/// and a key help bar. Keys are handled at application level so they work whichever view has focus:
/// Space/F12 e-stop, g/F5 start recording, n/→ next episode, r/← re-record, q/Esc stop recording (or quit when idle),
/// s PNG snapshot, c next camera, l record ↔ train/eval panel, t train, e evaluate, x cancel training/evaluation,
/// p policy, o preset, +/− steps, [/] rollouts (train/eval panel only), F9 rescan plugins. F6 runs the checkpoint on the
/// rig and records it into the corrections dataset (t takes over and hands back; n, r, q as in recording);
/// f fine-tunes the checkpoint on demonstrations + corrections.
/// One job at a time: recording, training and evaluation each want the CPU (2 cores at the robot), and training next
/// to a recording would make the control loop miss ticks. The screen refreshes on its own 10 Hz timer (<see cref="Refresh"/>).
/// </summary>
public sealed class RobotHostWindow : Window
{
    // Labels treat '_' as a hot-key marker and hide it ("sim_so101" drew as "simso101"); our texts are data, not menus.
    private static readonly Rune NoHotKey = new(0xFFFF);

    private readonly RigController _rig;
    private readonly LearnController _learn;
    private readonly LogRingSink? _log;
    private readonly Label _banner;
    private readonly Label _rigText;
    private readonly Label _recordText;
    private readonly FrameView _recordFrame;
    private readonly FrameView _learnFrame;
    private readonly Label _learnText;
    private readonly StatusBar _recordHelp;
    private readonly StatusBar _learnHelp;
    private readonly Label _logText;
    private readonly FrameView _cameraFrame;
    private readonly CameraPreviewView _preview;
    private int _camera;
    private bool? _bannerShowsEStop;
    private string? _notice;

    /// <summary>Builds the views for <paramref name="rig"/> and <paramref name="learn"/>; <paramref name="log"/> feeds the log pane.</summary>
    public RobotHostWindow(RigController rig, LearnController learn, LogRingSink? log)
    {
        _rig = rig;
        _learn = learn;
        _log = log;
        Title = "RobotHost";
        BorderStyle = LineStyle.None;
        _banner = new Label { HotKeySpecifier = NoHotKey, X = 0, Y = 0, Width = Dim.Fill(), Height = 1, Text = "" };
        var rigFrame = new FrameView { Title = "Rig", X = 0, Y = 1, Width = Dim.Percent(55), Height = 12 };
        _rigText = new Label { HotKeySpecifier = NoHotKey, X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill() };
        rigFrame.Add(_rigText);
        _recordFrame = new FrameView { Title = "Record", X = Pos.Right(rigFrame), Y = 1, Width = Dim.Fill(), Height = 12 };
        _recordText = new Label { HotKeySpecifier = NoHotKey, X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill() };
        _recordFrame.Add(_recordText);
        _learnFrame = new FrameView { Title = "Train / Eval", X = Pos.Right(rigFrame), Y = 1, Width = Dim.Fill(), Height = 12, Visible = false };
        _learnText = new Label { HotKeySpecifier = NoHotKey, X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill() };
        _learnFrame.Add(_learnText);
        _cameraFrame = new FrameView { Title = "Camera", X = 0, Y = Pos.Bottom(rigFrame), Width = Dim.Percent(40), Height = Dim.Fill(1) };
        _preview = new CameraPreviewView { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill() };
        _cameraFrame.Add(_preview);
        var logFrame = new FrameView { Title = "Log / plugins", X = Pos.Right(_cameraFrame), Y = Pos.Bottom(rigFrame), Width = Dim.Fill(), Height = Dim.Fill(1) };
        _logText = new Label { HotKeySpecifier = NoHotKey, X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill() };
        logFrame.Add(_logText);
        _recordHelp = new StatusBar(
        [
            new Shortcut(Key.Space, "E-STOP", null),
            new Shortcut(Key.G, "rec", null),
            new Shortcut(Key.F6, "policy", null),
            new Shortcut(Key.Q, "quit", null),
            new Shortcut(Key.S, "snap", null),
            new Shortcut(Key.C, "cam", null),
            new Shortcut(Key.L, "learn", null),
            new Shortcut(Key.F9, "rescan", null),
        ]);
        _learnHelp = new StatusBar(
        [
            new Shortcut(Key.Space, "E-STOP", null),
            new Shortcut(Key.T, "train", null),
            new Shortcut(Key.F, "fine-tune", null),
            new Shortcut(Key.E, "eval", null),
            new Shortcut(Key.X, "cancel", null),
            new Shortcut(Key.L, "rec", null),
            new Shortcut(Key.F9, "rescan", null),
        ]) { Visible = false };
        Add(_banner, rigFrame, _recordFrame, _learnFrame, _cameraFrame, logFrame, _recordHelp, _learnHelp);
        Refresh();
    }

    /// <summary>True when the operator asked to leave (q / Esc while idle).</summary>
    public bool QuitRequested { get; private set; }

    /// <summary>True while the train/eval panel is shown instead of the record panel (l switches).</summary>
    public bool ShowsLearnPanel => _learnFrame.Visible;

    /// <summary>
    /// Handles an operator key; true when it was one of ours. Called from the application's KeyDown so it runs on the
    /// UI thread before any focused view sees the key.
    /// </summary>
    public bool HandleKey(Key key)
    {
        var rune = key.AsRune.Value;
        if (key == Key.Space || key == Key.F12)
        {
            _rig.EmergencyStop();
        }
        else if (key == Key.G || key == Key.G.WithShift || key == Key.F5)
        {
            if (_learn.IsBusy) _notice = " training/evaluation runs: x cancels it, then g records";
            else if (!_rig.StartRecording()) _notice = "already recording";
            else _notice = null;
        }
        else if (key == Key.F6)
        {
            if (_learn.IsBusy) _notice = " training/evaluation runs: x cancels it, then F6 runs the policy";
            else if (_learn.Checkpoint is not { } checkpoint) _notice = " no checkpoint: train one (l, t) or start with --checkpoint";
            else _notice = _rig.StartPolicyRun(checkpoint) ? null : " recording or a policy run is going: q stops it";
        }
        else if (key == Key.T && _rig.IsRunningPolicy) _rig.ToggleTakeover();
        else if ((key == Key.Q || key == Key.Esc) && _rig.IsRunningPolicy) _rig.StopPolicyRun();
        else if (key == Key.N || key == Key.CursorRight) _rig.NextEpisode();
        else if (key == Key.R || key == Key.CursorLeft) _rig.Rerecord();
        else if (key == Key.Q || key == Key.Esc)
        {
            if (_rig.IsRecording) _rig.StopRecording();
            else if (_learn.IsBusy) _notice = " training/evaluation runs: x cancels it, then q quits";
            else { QuitRequested = true; App?.RequestStop(); }
        }
        else if (key == Key.S) _notice = SaveSnapshot();
        else if (key == Key.C && _rig.Cameras.Count > 0) _camera = (_camera + 1) % _rig.Cameras.Count;
        else if (key == Key.L) ShowLearnPanel(!ShowsLearnPanel);
        else if (key == Key.T || key == Key.E || key == Key.F)
        {
            ShowLearnPanel(true);
            _notice = _rig.IsRecording || _rig.IsRunningPolicy
                ? " recording or a policy run is going: q stops it, then train or evaluate"
                : key == Key.T ? _learn.StartTraining() : key == Key.F ? _learn.StartFineTuning() : _learn.StartEvaluation();
        }
        else if (key == Key.X) _notice = _learn.Cancel() ? " cancelling…" : " nothing to cancel";
        else if (key == Key.F9) _notice = _rig.RescanPlugins() ? null : " a rescan already runs";
        else if (ShowsLearnPanel && key == Key.P) _learn.NextPolicy();
        else if (ShowsLearnPanel && key == Key.O) _learn.NextPreset();
        else if (ShowsLearnPanel && rune is '+' or '=') _learn.ChangeSteps(up: true);
        else if (ShowsLearnPanel && rune is '-' or '_') _learn.ChangeSteps(up: false);
        else if (ShowsLearnPanel && rune == ']') _learn.ChangeEvalEpisodes(up: true);
        else if (ShowsLearnPanel && rune == '[') _learn.ChangeEvalEpisodes(up: false);
        else return false;
        Refresh();
        return true;
    }

    /// <summary>Copies the newest readings into the views (UI thread; cheap: reads snapshots only).</summary>
    public void Refresh()
    {
        // Only touch what changed: assigning Text or a Scheme makes Terminal.Gui lay out and redraw that view, and a
        // full redraw 10 times a second cost ~13 % of a core on the 2-core robot PC (docs/benchmarks.md, "Terminal UI") — CPU the
        // control loop needs.
        var estop = _rig.EStopped;
        if (estop != _bannerShowsEStop)
        {
            _bannerShowsEStop = estop;
            _banner.SetScheme(estop ? new Scheme(new Attribute(Color.White, Color.Red)) : new Scheme(new Attribute(Color.Black, Color.Green)));
        }
        SetText(_banner, estop
            ? " E-STOP: torque off — press g to record again, q to quit "
            : _notice ?? (_rig.IsRecording ? " recording — n next, r redo, q stop, Space E-STOP"
                : _rig.IsRunningPolicy ? (_rig.Takeover.Requested ? " TAKEOVER: you drive — t hands back, q save+stop, Space E-STOP" : " policy drives — t take over, n next, q save+stop, Space E-STOP")
                : _rig.Corrections is { TakeoverFrames: > 0 } ? " idle — f fine-tune on demos + corrections, g record, F6 run, q quit"
                : " idle — g record, F6 run policy, q quit, Space E-STOP"));
        SetText(_rigText, RigText(Math.Max(20, _rigText.Frame.Width)));
        if (_recordFrame.Visible) SetText(_recordText, RecordText());
        if (_learnFrame.Visible) SetText(_learnText, LearnText(Math.Max(10, _learnText.Frame.Width)));
        var camera = _rig.Cameras.Count > 0 ? _rig.Cameras[_camera] : null;
        var title = camera is null ? "Camera: none" : $"Camera {camera.Name}";
        if (_cameraFrame.Title != title) _cameraFrame.Title = title;
        var image = camera?.Latest;
        if (!ReferenceEquals(image, _preview.Image))
        {
            _preview.Image = image;
            _preview.SetNeedsDraw();
        }
        var placeholder = camera is null ? "no cameras (--cameras)" : "no frame yet: press g";
        if (_preview.Placeholder != placeholder)
        {
            _preview.Placeholder = placeholder;
            _preview.SetNeedsDraw();
        }
        SetText(_logText, LogText(Math.Max(1, _logText.Frame.Height)));
    }

    private static void SetText(View view, string text)
    {
        if (view.Text != text) view.Text = text;
    }

    /// <summary>Rig panel text: devices with status, one bar per joint, loop timing.</summary>
    public string RigText(int width)
    {
        var sb = new StringBuilder();
        var robot = _rig.Robot;
        sb.Append(CultureInfo.InvariantCulture, $"robot {_rig.Options.RobotKey} ({robot.RobotType}) {(robot.IsConnected ? "connected" : "off")}\n");
        sb.Append(CultureInfo.InvariantCulture, $"teleop {_rig.Options.TeleopKey}  cams {string.Join(",", _rig.Cameras.Select(c => $"{c.Name}:{c.Health}"))}\n");
        var observation = robot.Latest;
        var names = _rig.Limits.Names;
        var nameWidth = Math.Min(14, names.Count == 0 ? 0 : names.Max(n => n.Length));
        var barWidth = Math.Max(5, width - nameWidth - 9);
        foreach (var name in names)
        {
            var label = name.EndsWith(".pos", StringComparison.Ordinal) ? name[..^4] : name;
            label = label.Length > nameWidth ? label[..nameWidth] : label.PadRight(nameWidth);
            if (observation is not null && observation.Values.TryGetValue(name, out var value))
            {
                var (min, max) = _rig.Limits.RangeOf(name, value);
                sb.Append(CultureInfo.InvariantCulture, $"{label} {JointLimits.Bar(value, min, max, barWidth)} {value,6:F1}\n");
            }
            else sb.Append(label).Append(' ').Append(new string('·', barWidth)).Append("      -\n");
        }
        var loop = _rig.Loop;
        sb.Append(loop is null
            ? "loop: not running"
            : FormattableString.Invariant($"loop {loop.MeasuredHz:F1} Hz jitter {loop.JitterMs:F1} ms p99 {loop.PeriodP99Ms:F1} ms overruns {loop.Overruns}"));
        return sb.ToString();
    }

    /// <summary>
    /// Record panel text: dataset of the session (the corrections dataset for a policy run), episode i of N, phase, time
    /// left, totals; during and after a policy run who drives, takeovers and takeover frames, and the corrected episodes
    /// in the corrections dataset; the outcome, keys.
    /// </summary>
    public string RecordText()
    {
        var o = _rig.Options;
        var p = _rig.Progress;
        var run = _rig.RolloutProgress;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"dataset {_rig.SessionRoot}\n");
        if (p is null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"plan {o.Episodes} x {o.EpisodeTimeS:0.#} s, reset {o.ResetTimeS:0.#} s\n");
            sb.Append("episode - of ").Append(o.Episodes).Append('\n').Append("phase idle\n");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"episode {Math.Min(p.EpisodeNumber, p.Episodes)} of {p.Episodes} (index {p.EpisodeIndex})\n");
            sb.Append(CultureInfo.InvariantCulture, $"phase {p.Phase.ToString().ToLowerInvariant()}  {p.TimeLeftS:F1} s left\n");
            sb.Append(CultureInfo.InvariantCulture, $"frames {p.Frames} (total {p.TotalFrames})\n");
            sb.Append(CultureInfo.InvariantCulture, $"saved {p.SavedEpisodes}  dropped {p.DroppedFrames}  queue {p.QueueDepth}/{p.QueueCapacity}\n");
        }
        if (run is not null)
            sb.Append(CultureInfo.InvariantCulture, $"run: {(run.InTakeover ? "PERSON" : "policy")} drives, takeovers {run.Takeovers}\ntakeover frames {run.TakeoverTicks}\n");
        if (_rig.Corrections is { } c) sb.Append(CultureInfo.InvariantCulture, $"corrected {c.CorrectedEpisodes}/{c.Episodes} episodes\n");
        if (_rig.LastOutcome is not null) sb.Append(_rig.LastOutcome).Append('\n');
        sb.Append("g start  n/→ next  r/← redo  q/Esc stop");
        return sb.ToString();
    }

    /// <summary>
    /// Train/eval panel text, ten lines: dataset, policy/preset/steps, step i/N with speed, loss and ETA, a loss
    /// sparkline, the checkpoint or outcome, then the evaluation's settings, rollouts done with successes, outcome, keys.
    /// </summary>
    public string LearnText(int width)
    {
        var s = _learn.Settings;
        var t = _learn.TrainProgress;
        var sb = new StringBuilder();
        sb.Append(Fit($"data {s.DatasetRoot}{(_learn.HasCorrections ? " + corrections" : "")}", width, fromEnd: true)).Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"policy {s.PolicyKey}/{s.Preset ?? "paper"} {s.Steps} steps\n");
        if (t is null) sb.Append(_learn.IsTraining ? "train: loading data…\n" : "train: not started (t)\n").Append('\n');
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"step {t.Step}/{t.TotalSteps} {100.0 * t.Step / Math.Max(1, t.TotalSteps):F0}% {t.StepsPerSecond:0.0} it/s\n");
            sb.Append(CultureInfo.InvariantCulture, $"loss {t.Loss:G3} avg {t.SmoothedLoss:G3} ETA {Eta(t.Eta)}\n");
        }
        sb.Append(Sparkline.Render(_learn.Losses(), width)).Append('\n');
        sb.Append(Fit(_learn.IsTraining ? $"training {_learn.TrainLabel}…"
            : _learn.TrainOutcome ?? (_learn.Checkpoint is { } c ? $"ckpt {c}" : "no checkpoint"), width, fromEnd: _learn.TrainOutcome is null)).Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"eval {s.Env} x{s.EvalEpisodes}{(s.EvalMaxSteps is { } m ? $" <={m} steps" : "")}\n");
        var e = _learn.EvalProgress;
        sb.Append(e is null
            ? _learn.IsEvaluating ? "rollouts 0 so far\n" : "rollouts -\n"
            : FormattableString.Invariant($"rollouts {e.Completed}/{e.Total} success {e.Successes} ({(double)e.Successes / Math.Max(1, e.Completed):P0})\n"));
        sb.Append(Fit(_learn.IsEvaluating ? "evaluating…" : _learn.EvalOutcome ?? "", width, fromEnd: false)).Append('\n');
        sb.Append("f fine-tune p policy o preset +- steps [] runs");
        return sb.ToString();
    }

    private void ShowLearnPanel(bool learn)
    {
        _learnFrame.Visible = learn;
        _learnHelp.Visible = learn;
        _recordFrame.Visible = !learn;
        _recordHelp.Visible = !learn;
    }

    private static string Fit(string text, int width, bool fromEnd)
    {
        if (text.Length <= width) return text;
        return fromEnd ? "…" + text[^(width - 1)..] : text[..(width - 1)] + "…";
    }

    private static string Eta(TimeSpan eta) =>
        eta.TotalHours >= 1 ? $"{(int)eta.TotalHours}h{eta.Minutes:D2}m" : eta.TotalMinutes >= 1 ? $"{eta.Minutes}m{eta.Seconds:D2}s" : $"{eta.Seconds}s";

    private string LogText(int lines)
    {
        var plugins = _rig.Session.Plugins;
        var head = new List<string>
        {
            $"plugins ({plugins.Loaded.Count}): {string.Join(", ", plugins.Loaded.Select(l => l.Name))}",
        };
        if (_rig.RescanStatus is { } rescan) head.Add(rescan);
        head.AddRange(plugins.Failures.Select(f => $"FAILED {f.Name}: {f.Message}"));
        // One screen row per log line: wrap the header ourselves and cut log lines, so the newest lines always fit the pane.
        // Before the first layout the pane has no width yet: leave the wrapping to the label until the next refresh.
        var width = _logText.Frame.Width > 0 ? Math.Max(10, _logText.Frame.Width) : int.MaxValue;
        var rows = head.SelectMany(h => Wrap(h, width)).ToList();
        var tail = _log?.Tail(Math.Max(0, lines - rows.Count)) ?? [];
        return string.Join('\n', rows.Concat(tail.Select(l => l.Length > width ? l[..width] : l)));
    }

    /// <summary>Splits <paramref name="text"/> into rows of at most <paramref name="width"/> characters, at spaces where possible.</summary>
    private static IEnumerable<string> Wrap(string text, int width)
    {
        while (text.Length > width)
        {
            var cut = text.LastIndexOf(' ', width);
            if (cut <= 0) cut = width;
            yield return text[..cut];
            text = text[cut..].TrimStart();
        }
        yield return text;
    }

    private string SaveSnapshot()
    {
        var camera = _rig.Cameras.Count > 0 ? _rig.Cameras[_camera] : null;
        var frame = camera?.Latest;
        if (camera is null || frame is null || !frame.IsWellFormed) return "snapshot: no frame yet";
        var dir = Path.Combine(_rig.Session.Paths.Home, "snapshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{camera.Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}.png");
        using var rgb = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Rgb);
        using var bgr = new Mat();
        Cv2.CvtColor(rgb, bgr, ColorConversionCodes.RGB2BGR);
        return Cv2.ImWrite(path, bgr) ? $"snapshot saved {path}" : $"snapshot: could not write {path}";
    }
}
