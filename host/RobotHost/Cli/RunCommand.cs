using System.CommandLine;
using Microsoft.Extensions.Logging;
using RobotHost.Scripting;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost run FILE.csx [-- args…]</c>: compiles (or loads from the cache) and runs a C# script with
/// <see cref="ScriptGlobals"/>. Compile errors print <c>file:line:col: error CSxxxx: message</c> (exit 1); a script
/// exception prints the script file and line (exit 1); Ctrl+C (or SIGTERM) cancels <c>Cancel</c> (exit 130), a second one kills.
/// </summary>
public static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("script") { Description = "The .csx script to run" };
        var rest = new Argument<string[]>("args") { Description = "Arguments for the script (after --), read with Args.Int(\"episodes\", 50), Args.Flag(\"quick\")…", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("run", "Run a C# script (.csx) that drives the host: record, train, evaluate, plot. Example: robothost run scripts/demo.csx -- --quick") { file, rest };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var args = ScriptArguments(parse, path);
            using var stop = new StopSignals(announce: true);
            return CliApp.Run(parse, session => Run(session, path, args, stop.Token));
        });
        return command;
    }

    /// <summary>Compiles and runs a script in <paramref name="session"/>; returns the exit code.</summary>
    public static int Run(HostSession session, string path, IReadOnlyList<string> args, CancellationToken cancel)
    {
        var host = new ScriptHost(session);
        CompiledScript script;
        try
        {
            script = host.Compile(path);
        }
        catch (ScriptCompilationException e)
        {
            session.CreateLogger("RobotHost.Scripting").LogError("{Message}", e.Message);
            foreach (var d in e.Diagnostics) Console.Error.WriteLine(d.ToString());
            return CliApp.UserError;
        }
        var globals = new ScriptGlobals(session, script.Path, args, cancel);
        var value = host.RunAsync(script, globals).GetAwaiter().GetResult();
        Console.Out.Flush();
        return value is int code ? code : 0;
    }

    /// <summary>Every word after the script path (a leading <c>--</c> dropped), in order.</summary>
    private static string[] ScriptArguments(ParseResult parse, string path)
    {
        var tokens = parse.Tokens.Select(t => t.Value).ToList();
        var at = tokens.IndexOf(path);
        if (at < 0) return parse.UnmatchedTokens.ToArray();
        var after = tokens.Skip(at + 1).ToList();
        if (after.Count > 0 && after[0] == "--") after.RemoveAt(0);
        return after.ToArray();
    }
}
