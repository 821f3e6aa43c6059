using System.Diagnostics;
using System.Threading.Channels;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Datasets.LeRobot;

/// <summary>
/// One ffmpeg process encoding one camera's frames of one episode while they arrive; frames are queued so
/// <see cref="Write"/> returns at once and the recording loop never waits on the encoder.
/// </summary>
public sealed class SegmentEncoder : IDisposable
{
    private readonly Process _process;
    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(120) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Task _pump;
    private readonly Task<string> _stderr;
    private readonly int _frameBytes;

    internal SegmentEncoder(Process process, string outputPath, int frameBytes)
    {
        _process = process;
        OutputPath = outputPath;
        _frameBytes = frameBytes;
        _stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The mp4 being written.</summary>
    public string OutputPath { get; }

    /// <summary>Frames handed in.</summary>
    public int FrameCount { get; private set; }

    /// <summary>Queues one RGB frame (blocks only when the encoder is 120 frames behind).</summary>
    public void Write(byte[] rgb)
    {
        if (rgb.Length != _frameBytes)
            throw new RobotHostException($"camera frame has {rgb.Length} bytes, expected {_frameBytes}; every frame of a camera must have the size declared in the dataset features");
        if (_pump.IsCompleted) Finish(); // surfaces the encoder's error
        if (!_queue.Writer.TryWrite(rgb))
            _queue.Writer.WriteAsync(rgb).AsTask().GetAwaiter().GetResult();
        FrameCount++;
    }

    private async Task PumpAsync()
    {
        var stdin = _process.StandardInput.BaseStream;
        await foreach (var frame in _queue.Reader.ReadAllAsync())
            await stdin.WriteAsync(frame);
        await stdin.FlushAsync();
        stdin.Close();
    }

    /// <summary>Flushes the queue, closes the pipe and waits for the mp4 to be complete.</summary>
    public void Finish()
    {
        _queue.Writer.TryComplete();
        try
        {
            _pump.GetAwaiter().GetResult();
        }
        catch (IOException)
        {
            // A broken pipe means ffmpeg died; its stderr below says why.
        }
        _process.WaitForExit();
        if (_process.ExitCode != 0)
            throw new RobotHostException($"ffmpeg failed to encode {OutputPath}: {_stderr.GetAwaiter().GetResult().Trim()}");
    }

    /// <summary>Stops the encoder and deletes its output (discarded episode).</summary>
    public void Abort()
    {
        _queue.Writer.TryComplete();
        try { if (!_process.HasExited) _process.Kill(); } catch (InvalidOperationException) { }
        _process.WaitForExit();
        try { File.Delete(OutputPath); } catch (IOException) { }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited) Abort();
        _process.Dispose();
    }
}
