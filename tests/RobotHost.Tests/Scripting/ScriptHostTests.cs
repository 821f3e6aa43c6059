using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RobotHost.Scripting;

namespace RobotHost.Tests.Scripting;

public sealed class ScriptHostTests
{
    [Fact]
    public void A_script_sees_the_globals_args_and_returns_its_value()
    {
        using var host = new ScriptTestHost();
        var path = host.Write("hello.csx", """
            var n = Args.Int("episodes", 3);
            Print($"episodes={n} quick={Args.Flag("quick")} first={Args[0]}");
            Print($"host home={Host.Paths.Home}");
            return n * 2;
            """);
        var (value, output, _) = host.Run(path, "--episodes", "21", "--quick");
        Assert.Equal(42, value);
        Assert.Contains("episodes=21 quick=True first=--episodes", output);
        Assert.Contains($"host home={host.Home}", output);
    }

    [Fact]
    public void Compile_errors_name_file_line_and_column()
    {
        using var host = new ScriptTestHost();
        var path = host.Write("broken.csx", "var ok = 1;\nvar x = undefinedThing + 1;\n  Print(ok.Nope);\n");
        var e = Assert.Throws<ScriptCompilationException>(() => new ScriptHost(host.Session).Compile(path));
        Assert.Equal(2, e.Diagnostics.Count);
        Assert.Equal($"{path}:2:9: error CS0103: The name 'undefinedThing' does not exist in the current context", e.Diagnostics[0].ToString());
        Assert.Equal((3, 12), (e.Diagnostics[1].Line, e.Diagnostics[1].Column));
        Assert.StartsWith($"{path}:3:12: error CS1061:", e.Diagnostics[1].ToString());
    }

    [Fact]
    public void Errors_in_a_loaded_file_name_that_file()
    {
        using var host = new ScriptTestHost();
        var lib = host.Write("lib/helpers.csx", "int Twice(int x) => x * 2;\nint Bad() => \"text\";\n");
        var path = host.Write("main.csx", "#load \"lib/helpers.csx\"\nPrint(Twice(2));\n");
        var e = Assert.Throws<ScriptCompilationException>(() => new ScriptHost(host.Session).Compile(path));
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal((lib, 2, 14, "CS0029"), (d.File, d.Line, d.Column, d.Id));
    }

    [Fact]
    public void A_runtime_exception_names_the_script_line()
    {
        using var host = new ScriptTestHost();
        var path = host.Write("throws.csx", """
            Print("start");
            int[] values = [1, 2, 3];

            var total = values.Sum();
            var bad = values[total];
            Print("never");
            """);
        var e = Assert.Throws<ScriptRuntimeException>(() => host.Run(path));
        Assert.Equal((path, 5), (e.File, e.Line));
        Assert.IsType<IndexOutOfRangeException>(e.InnerException);
        Assert.StartsWith($"{path}:5: IndexOutOfRangeException", e.Message);
    }

    [Fact]
    public void A_runtime_exception_inside_a_loaded_file_names_that_file_and_a_host_error_names_the_calling_line()
    {
        using var host = new ScriptTestHost();
        var lib = host.Write("lib.csx", "void Fail(string why)\n{\n    throw new InvalidOperationException(why);\n}\n");
        var path = host.Write("main.csx", "#load \"lib.csx\"\nPrint(1);\nFail(\"no\");\n");
        var e = Assert.Throws<ScriptRuntimeException>(() => host.Run(path));
        Assert.Equal((lib, 3), (e.File, e.Line));

        var path2 = host.Write("catalog.csx", "Print(1);\n\nvar env = Catalog.CreateEnvironment(\"nowhere\");\n");
        var e2 = Assert.Throws<ScriptRuntimeException>(() => host.Run(path2));
        Assert.Equal(3, e2.Line);
        Assert.Contains("no environment 'nowhere'", e2.Message);
    }

    [Fact]
    public void A_rerun_loads_from_the_cache_and_a_changed_loaded_file_recompiles()
    {
        using var host = new ScriptTestHost();
        var lib = host.Write("lib.csx", "int Answer() => 41;\n");
        var path = host.Write("main.csx", "#load \"lib.csx\"\nreturn Answer() + 1;\n");

        var first = host.Run(path);
        var second = host.Run(path);
        Assert.False(first.Script.FromCache);
        Assert.True(second.Script.FromCache);
        Assert.Equal(42, second.Value);
        Assert.Equal(first.Script.CacheKey, second.Script.CacheKey);
        Assert.True(File.Exists(Path.Combine(host.Session.Paths.ScriptCacheDirectory, first.Script.CacheKey, "script.dll")));

        File.WriteAllText(lib, "int Answer() => 99;\n");
        var third = host.Run(path);
        Assert.False(third.Script.FromCache);
        Assert.Equal(100, third.Value);

        // A cached script still names its lines at runtime (the PDB is cached too).
        var throws = host.Write("throws.csx", "Print(0);\nthrow new Exception(\"x\");\n");
        Assert.Throws<ScriptRuntimeException>(() => host.Run(throws));
        var cached = Assert.Throws<ScriptRuntimeException>(() => host.Run(throws));
        Assert.Equal(2, cached.Line);
    }

    [Fact]
    public void Hash_r_references_an_assembly_relative_to_the_script()
    {
        using var host = new ScriptTestHost();
        var dll = Path.Combine(host.Home, "libs", "Greeter.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        var compilation = CSharpCompilation.Create("Greeter",
            [CSharpSyntaxTree.ParseText("namespace Greeting; public static class Greeter { public static string Hello(string n) => \"hello \" + n; }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var emitted = compilation.Emit(dll);
        Assert.True(emitted.Success);

        var path = host.Write("uses.csx", "#r \"libs/Greeter.dll\"\nusing Greeting;\nPrint(Greeter.Hello(\"arm\"));\n");
        Assert.Contains("hello arm", host.Run(path).Output);
        Assert.Contains("hello arm", host.Run(path).Output); // from the cache: the #r assembly still resolves
    }

    [Fact]
    public void Tables_and_plots_for_experimenters()
    {
        using var host = new ScriptTestHost();
        var path = host.Write("report.csx", """
            var rows = new[] { new { Policy = "mlp", Success = 0.42 }, new { Policy = "diffusion", Success = 0.97 } };
            Table(rows, "results");
            var loss = new Dictionary<string, IReadOnlyList<double>> { ["train"] = new double[] { 3, 2, 1.5, 1.2 } };
            Print(Plot.Line("loss.png", "loss", loss));
            Print(Plot.Bar("success", "success", new[] { "mlp", "diffusion" }, new[] { 0.42, 0.97 }));
            """);
        var (_, output, _) = host.Run(path);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal("results", lines[0]);
        Assert.Equal("Policy     Success", lines[1]);
        Assert.Equal("diffusion     0.97", lines[4]);
        foreach (var png in new[] { "loss.png", "success.png" })
        {
            var file = Path.Combine(host.Home, "out", png);
            Assert.Contains(file, output);
            Assert.True(new FileInfo(file).Length > 1000);
        }
    }

    [Fact]
    public void Cancel_reaches_the_script()
    {
        using var host = new ScriptTestHost();
        var path = host.Write("loop.csx", "while (true) { Cancel.ThrowIfCancellationRequested(); await Task.Delay(10); }\n");
        var scriptHost = new ScriptHost(host.Session);
        var script = scriptHost.Compile(path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var globals = new ScriptGlobals(host.Session, path, [], cancel.Token, TextWriter.Null);
        Assert.ThrowsAny<OperationCanceledException>(() => scriptHost.RunAsync(script, globals).GetAwaiter().GetResult());
    }
}
