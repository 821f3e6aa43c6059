using System.CommandLine;
using Microsoft.Extensions.Logging;
using RobotHost.Sdk;
using Serilog.Events;

namespace RobotHost.Cli;

/// <summary>
/// The <c>robothost</c> command line. Every command gets <c>--help</c>, the global <c>-v</c> and <c>--plugins</c>,
/// and runs through <see cref="Run"/>: errors a user can cause print one clear line (exit 1), anything else
/// prints one line pointing at the log file (exit 3); stack traces go to the log only.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code for an error the user can fix.</summary>
    public const int UserError = 1;
    /// <summary>Exit code for an unexpected failure.</summary>
    public const int InternalError = 3;
    /// <summary>Exit code after Ctrl+C.</summary>
    public const int Cancelled = 130;

    /// <summary><c>-v</c>: log to the console too.</summary>
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Also write the log to the console (stderr)", Recursive = true };

    /// <summary><c>--plugins DIR</c>: extra plugin directories.</summary>
    public static readonly Option<string[]> PluginDirs = new("--plugins") { Description = "Extra plugin directory (repeatable)", Recursive = true, AllowMultipleArgumentsPerToken = false };

    /// <summary>Builds the root command with every sub-command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("RobotHost: record, train and evaluate imitation-learning policies for low-cost robot arms, on real hardware or on the built-in simulator.");
        root.Add(Verbose);
        root.Add(PluginDirs);
        foreach (var command in Commands()) root.Add(command);
        return root;
    }

    /// <summary>Every sub-command. Add new commands here, one file each under Cli/.</summary>
    private static IEnumerable<Command> Commands() =>
    [
        PluginsCommand.Create(),
        RunCommand.Create(),
        EvalCommand.Create(),
        TrainCommand.Create(),
        RecordCommand.Create(),
        DatasetCommand.Create(),
        CalibrateCommand.Create(),
        TeleoperateCommand.Create(),
        TuiCommand.Create(),
        RolloutCommand.Create(),
        ServeCommand.Create(),
        PolicyCommand.Create(),
        DaggerCommand.Create(),
    ];

    /// <summary>Parses and runs the command line; a first word that is no host command may be a plugin's command.</summary>
    public static int Execute(string[] args)
    {
        var root = Build();
        var first = args.FirstOrDefault(a => !a.StartsWith('-'));
        var isHostCommand = first is null || root.Subcommands.Any(c => c.Name == first || c.Aliases.Contains(first));
        if (!isHostCommand && !args.Any(a => a is "--version"))
            return RunPluginCommand(args, first!);
        return root.Parse(args).Invoke();
    }

    /// <summary>Runs a command a plugin registered (<see cref="ComponentKind.Command"/>) with the words after its name.</summary>
    private static int RunPluginCommand(string[] args, string name)
    {
        // Global options before the command name (-v, --plugins DIR) still apply.
        var index = Array.IndexOf(args, name);
        var global = Build().Parse(args[..index]);
        using var stop = new StopSignals();
        return Run(global, session =>
        {
            var registration = session.Plugins.Registrations.FirstOrDefault(r => r.Kind == ComponentKind.Command && r.Key == name);
            if (registration is null)
            {
                var commands = Build().Subcommands.Select(c => c.Name)
                    .Concat(session.Plugins.Registrations.Where(r => r.Kind == ComponentKind.Command).Select(r => r.Key)).Order();
                throw new RobotHostException($"unknown command '{name}'; commands: {string.Join(", ", commands)}");
            }
            var command = (PluginCommand)registration.Factory(null, session.Context);
            return command(args[(index + 1)..], session.Context, stop.Token);
        });
    }

    /// <summary>
    /// Before motors move: says (log and console) when Ctrl+C cannot reach this process, so the operator knows the
    /// stop is SIGTERM or the e-stop key.
    /// </summary>
    public static void WarnIfInterruptIgnored(HostSession session, StopSignals stop)
    {
        if (stop.InterruptWarning is not { } warning) return;
        session.CreateLogger("RobotHost.Signals").LogWarning("{Warning}", warning);
        Console.Error.WriteLine($"warning: {warning}");
    }

    /// <summary>Starts a host session from the global options.</summary>
    public static HostSession StartSession(ParseResult parse) => HostSession.Start(new HostOptions
    {
        ConsoleLogLevel = parse.GetValue(Verbose) ? LogEventLevel.Debug : null,
        PluginDirectories = parse.GetValue(PluginDirs) ?? [],
    });

    /// <summary>Runs a command body in a host session with the CLI's error policy.</summary>
    public static int Run(ParseResult parse, Func<HostSession, int> body)
    {
        HostSession? session = null;
        try
        {
            session = StartSession(parse);
            return body(session);
        }
        catch (Exception e)
        {
            return Report(e, session);
        }
        finally
        {
            session?.Dispose();
        }
    }

    /// <summary>Async variant, cancelled by Ctrl+C.</summary>
    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel, Func<HostSession, CancellationToken, Task<int>> body)
    {
        HostSession? session = null;
        try
        {
            session = StartSession(parse);
            return await body(session, cancel);
        }
        catch (Exception e)
        {
            return Report(e, session);
        }
        finally
        {
            session?.Dispose();
        }
    }

    /// <summary>Prints one line for an exception and returns the exit code.</summary>
    public static int Report(Exception e, HostSession? session)
    {
        var log = session?.CreateLogger("RobotHost");
        switch (e)
        {
            case OperationCanceledException:
                log?.LogWarning("cancelled");
                Console.Error.WriteLine("cancelled");
                return Cancelled;
            case RobotHostException:
                log?.LogError(e, "{Message}", e.Message);
                Console.Error.WriteLine($"error: {e.Message}");
                return UserError;
            default:
                log?.LogError(e, "unexpected error");
                var where = session is null ? "" : $" (details in {session.Paths.LogDirectory})";
                Console.Error.WriteLine($"error: unexpected {e.GetType().Name}: {e.Message}{where}");
                return InternalError;
        }
    }
}
