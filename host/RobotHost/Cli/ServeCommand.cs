using System.CommandLine;
using Microsoft.Extensions.Logging;
using RobotHost.Remote;
using RobotHost.Training;

namespace RobotHost.Cli;

/// <summary>
/// <c>robothost serve --checkpoint DIR [--checkpoint DIR2…] --port P [--host ADDR]</c>: serves a policy over gRPC
/// (HTTP/2 cleartext, no authentication: a trusted LAN only) to <c>eval</c> and <c>rollout --policy-server HOST:PORT</c>
/// on other machines, until Ctrl+C or SIGTERM.
/// </summary>
public static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string[]>("--checkpoint", "-c")
        {
            Description = "Checkpoint folder to serve; repeat it to serve several as one ensemble (the mean of their actions)",
            Required = true, AllowMultipleArgumentsPerToken = false,
        };
        var port = new Option<int>("--port", "-p") { Description = "TCP port to listen on (0: any free port, printed at start)", Required = true };
        var host = new Option<string>("--host") { Description = "Address to listen on: 0.0.0.0 every interface, 127.0.0.1 this machine only", DefaultValueFactory = _ => "0.0.0.0" };
        var command = new Command("serve", "Serve a trained policy over gRPC (h2c, trusted LAN only) for eval and rollout --policy-server HOST:PORT on another machine")
        {
            checkpoint, port, host,
        };
        command.SetAction(parse =>
        {
            using var stop = new StopSignals();
            return CliApp.Run(parse, session =>
            {
                var checkpoints = parse.GetValue(checkpoint)!;
                using var policy = PolicyLoader.Load(session, checkpoints);
                var server = PolicyServer.StartAsync(policy, string.Join(", ", checkpoints.Select(Path.GetFullPath)), parse.GetValue(host)!, parse.GetValue(port), session.Logging.Logger)
                    .GetAwaiter().GetResult();
                try
                {
                    session.CreateLogger("RobotHost.Remote").LogInformation("serving {Policy} from {Checkpoint} on {Host}:{Port}", policy.Info.PolicyType, checkpoints[0], server.Host, server.Port);
                    Console.Error.WriteLine($"serving {policy.Info.PolicyType} on {server.Host}:{server.Port} (h2c, no authentication: a trusted network only); Ctrl+C stops");
                    server.WaitAsync(stop.Token).GetAwaiter().GetResult();
                }
                finally
                {
                    server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
                Console.Error.WriteLine($"stopped by {stop.Reason}");
                return 0;
            });
        });
        return command;
    }
}
