using System.CommandLine;
using RobotHost.Remote;
using RobotHost.Sdk;

namespace RobotHost.Cli;

/// <summary><c>--policy-server HOST:PORT</c> and <c>--policy-deadline-ms</c>, shared by the commands that run a policy.</summary>
internal static class PolicyServerOptions
{
    /// <summary>The two options, for a command to add.</summary>
    public static (Option<string?> Server, Option<int> Deadline) Create() =>
    (
        new Option<string?>("--policy-server") { Description = "Use the policy served by `robothost serve` at HOST:PORT instead of loading a --checkpoint" },
        new Option<int>("--policy-deadline-ms") { Description = "Deadline of each call to --policy-server, ms; a late or failed call fails like a failing policy and the next one reconnects", DefaultValueFactory = _ => RemotePolicyOptions.DefaultDeadlineMs }
    );

    /// <summary>The remote policy asked for, or null for checkpoints; exactly one of the two must be given.</summary>
    /// <exception cref="RobotHostException">Both or neither given.</exception>
    public static RemotePolicyOptions? Parse(ParseResult parse, Option<string?> server, Option<int> deadline, IReadOnlyList<string> checkpoints)
    {
        var address = parse.GetValue(server);
        if (address is null)
            return checkpoints.Count > 0 ? null : throw new RobotHostException("give a checkpoint folder (--checkpoint DIR) or a policy server (--policy-server HOST:PORT)");
        if (checkpoints.Count > 0) throw new RobotHostException("give --checkpoint DIR or --policy-server HOST:PORT, not both (the server loads its own checkpoint)");
        return new RemotePolicyOptions(address, parse.GetValue(deadline));
    }
}
