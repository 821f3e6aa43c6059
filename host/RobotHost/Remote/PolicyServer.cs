using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RobotHost.Sdk;
using Serilog;

namespace RobotHost.Remote;

/// <summary>
/// Serves a loaded policy over gRPC (HTTP/2 cleartext, Kestrel) for <see cref="RemotePolicy"/> clients
/// (<c>robothost serve</c>; <c>eval</c>/<c>rollout --policy-server</c>). No TLS and no authentication: a trusted LAN only.
/// </summary>
public sealed class PolicyServer : IAsyncDisposable
{
    /// <summary>Largest message either end accepts: two uncompressed 1080p frames fit.</summary>
    internal const int MaxMessageBytes = 64 * 1024 * 1024;

    private readonly WebApplication _app;

    private PolicyServer(WebApplication app, string host, int port)
    {
        _app = app;
        Host = host;
        Port = port;
    }

    /// <summary>The address it listens on.</summary>
    public string Host { get; }

    /// <summary>The port it listens on (the one the system picked when started with port 0).</summary>
    public int Port { get; }

    /// <summary>
    /// Warms <paramref name="policy"/> up with one inference on a blank observation of its features (so a client's first
    /// call is not the slow one), then listens on <paramref name="host"/>:<paramref name="port"/> (0: any free port).
    /// The policy stays the caller's; it is reset at every new session.
    /// </summary>
    /// <exception cref="RobotHostException">The address is not an IP address or localhost, or the port is taken.</exception>
    public static async Task<PolicyServer> StartAsync(IPolicy policy, string checkpoint, string host, int port, Serilog.ILogger logger)
    {
        var address = ParseHost(host);
        if (port is < 0 or > 65535) throw new RobotHostException($"serve --port must be between 0 and 65535, got {port}");
        WarmUp(policy, logger);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("Grpc", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxMessageBytes;
            kestrel.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = MaxMessageBytes;
            grpc.MaxSendMessageSize = MaxMessageBytes;
        });
        builder.Services.AddSingleton(new ServedPolicy(policy, checkpoint));
        var app = builder.Build();
        app.MapGrpcService<PolicyGrpcService>();
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new RobotHostException($"cannot listen on {host}:{port} ({e.Message}); pick another --port, or stop what uses it");
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a).Port).First();
        return new PolicyServer(app, host, bound);
    }

    /// <summary>Completes when the server stops (<paramref name="cancel"/> stops it).</summary>
    public async Task WaitAsync(CancellationToken cancel)
    {
        try { await Task.Delay(Timeout.Infinite, cancel); }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested) { }
    }

    /// <summary>Stops listening and ends open sessions.</summary>
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }

    private static IPAddress ParseHost(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        "*" => IPAddress.Any,
        _ => IPAddress.TryParse(host, out var ip) ? ip : throw new RobotHostException($"serve --host '{host}' is not an IP address; use 0.0.0.0 (every interface), 127.0.0.1 or this machine's LAN address"),
    };

    private static void WarmUp(IPolicy policy, Serilog.ILogger logger)
    {
        try
        {
            RunBlank(policy);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.Warning(e, "warm-up on a blank observation failed; the first client call pays the policy's start-up");
        }
    }

    private static void RunBlank(IPolicy policy)
    {
        var values = new Dictionary<string, float>(StringComparer.Ordinal);
        var images = new Dictionary<string, CameraFrame>(StringComparer.Ordinal);
        foreach (var feature in policy.Info.InputFeatures)
        {
            if (feature.IsVisual && feature.Shape.Count == 3)
                images[feature.Key[(feature.Key.LastIndexOf('.') + 1)..]] = new CameraFrame(feature.Shape[1], feature.Shape[0], new byte[feature.ElementCount], 0, 0);
            else
                foreach (var name in feature.Names ?? []) values[name] = 0;
        }
        policy.Reset();
        policy.SelectAction(new Observation { Values = values, Images = images });
        policy.Reset();
    }
}
