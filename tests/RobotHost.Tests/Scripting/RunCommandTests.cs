using RobotHost.Tests.Shared;
using RobotHost.Tests.Support;

namespace RobotHost.Tests.Scripting;

/// <summary><c>robothost run</c> as a user runs it: a child process, its exit code and what it prints.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public void Compile_errors_print_file_line_col_and_exit_1_without_a_stack_trace()
    {
        var home = RepoPaths.NewTempDirectory("rh-run");
        var script = Path.Combine(home, "broken.csx");
        File.WriteAllText(script, "Print(\"hi\");\nvar x = undefinedThing;\n");
        var run = HostProcess.Run(home, ["run", script]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{script}:2:9: error CS0103: The name 'undefinedThing' does not exist in the current context", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.Equal("", run.Stdout.Trim());
    }

    [Fact]
    public void Script_arguments_output_runtime_errors_and_a_cached_rerun()
    {
        var home = RepoPaths.NewTempDirectory("rh-run");
        var script = Path.Combine(home, "args.csx");
        File.WriteAllText(script, "Print($\"n={Args.Int(\"n\", 1)} quick={Args.Flag(\"quick\")}\");\nif (Args.Flag(\"fail\"))\n    throw new InvalidOperationException(\"asked to fail\");\nreturn 7;\n");

        var first = HostProcess.Run(home, ["run", script, "--", "--n", "3", "--quick"]);
        Assert.Equal(7, first.ExitCode);
        Assert.Contains("n=3 quick=True", first.Stdout);

        var failing = HostProcess.Run(home, ["run", script, "--", "--fail"]);
        Assert.Equal(1, failing.ExitCode);
        Assert.Contains($"{script}:3: InvalidOperationException: asked to fail", failing.Stderr);
        Assert.DoesNotContain("   at ", failing.Stderr);

        // Both runs after the first loaded the compiled script from the cache (one entry for one script text).
        Assert.Single(Directory.GetDirectories(Path.Combine(home, "script-cache")));
        var log = string.Join("\n", Directory.GetFiles(Path.Combine(home, "logs")).Select(File.ReadAllText));
        Assert.Contains("from the script cache", log);
    }
}
