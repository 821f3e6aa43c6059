using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using RobotHost.Remote.Protocol;
using RobotHost.Sdk;

namespace RobotHost.Remote;

/// <summary>Where a remote policy is served and how long each call may take.</summary>
/// <param name="Address"><c>HOST:PORT</c> of a <c>robothost serve</c>.</param>
/// <param name="DeadlineMs">Per-call deadline, milliseconds; a call past it fails (the next call reconnects).</param>
public sealed record RemotePolicyOptions(string Address, int DeadlineMs = RemotePolicyOptions.DefaultDeadlineMs)
{
    /// <summary>Default per-call deadline: thirty periods at 30 Hz.</summary>
    public const int DefaultDeadlineMs = 1000;

    /// <summary>How long connecting (the info call and a session's first request) may take, at least.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// A policy served by <c>robothost serve</c> on another machine (<see cref="PolicyServer"/>), used like a local one:
/// observations (state by name, camera frames as raw RGB bytes with their sizes) stream to the server over one gRPC
/// session, actions or chunks come back. Each call has a deadline; a call that fails or passes it throws a
/// <see cref="RobotHostException"/> naming the server (the path a failing local policy takes, so a rollout's hold,
/// watchdog and torque off handle it), and the next call opens a new session, in which the server resets the policy.
/// A served policy that predicts chunks comes back as an <see cref="IChunkPolicy"/>, guidance included.
/// </summary>
public class RemotePolicy : IPolicy, ISeededPolicy
{
    private readonly GrpcChannel _channel;
    private readonly PolicyService.PolicyServiceClient _client;
    private readonly ILogger _log;
    private readonly string _host;
    private readonly int _port;
    private AsyncDuplexStreamingCall<ActRequest, ActReply>? _session;
    private bool _sessionAnswered;
    private bool _reconnecting;
    private long _nextId;
    private long? _seed;
    private bool _disposed;

    private protected RemotePolicy(GrpcChannel channel, RemotePolicyOptions options, string host, int port, ServedPolicyInfo info, ILogger log)
    {
        _channel = channel;
        _client = new PolicyService.PolicyServiceClient(channel);
        Options = options;
        _host = host;
        _port = port;
        _log = log;
        Served = info;
        Info = RemoteMessages.FromMessage(info);
    }

    /// <inheritdoc />
    public PolicyInfo Info { get; }

    /// <summary>Where it is served and the deadline.</summary>
    public RemotePolicyOptions Options { get; }

    /// <summary>The checkpoint folder on the server.</summary>
    public string ServerCheckpoint => Served.Checkpoint;

    private protected ServedPolicyInfo Served { get; }

    /// <summary>The fix every connection error ends with.</summary>
    private string Fix => $"is `robothost serve` running on {_host}:{_port}?";

    /// <summary>
    /// Connects to <paramref name="options"/>' server and asks for its policy's features, rate and chunking.
    /// </summary>
    /// <exception cref="RobotHostException">The address is not HOST:PORT, or no server answered there (the message names it and the fix).</exception>
    public static RemotePolicy Connect(RemotePolicyOptions options, ILogger log)
    {
        var (host, port) = ParseAddress(options.Address);
        if (options.DeadlineMs < 1) throw new RobotHostException($"--policy-deadline-ms must be at least 1, got {options.DeadlineMs}");
        var channel = GrpcChannel.ForAddress(new UriBuilder("http", host, port).Uri, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = PolicyServer.MaxMessageBytes,
            MaxSendMessageSize = PolicyServer.MaxMessageBytes,
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = options.ConnectTimeout,
                // A server that vanished without closing its connection is noticed between calls too.
                KeepAlivePingDelay = TimeSpan.FromSeconds(5),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                EnableMultipleHttp2Connections = true,
            },
        });
        try
        {
            var info = new PolicyService.PolicyServiceClient(channel).GetInfo(new InfoRequest(), deadline: DateTime.UtcNow + options.ConnectTimeout);
            log.LogInformation("policy server {Host}:{Port} serves {Policy} from {Checkpoint} (chunks: {Chunked}, guidance: {Guidance}); deadline {Deadline} ms per call",
                host, port, info.PolicyType, info.Checkpoint, info.IsChunkPolicy, info.SupportsGuidance, options.DeadlineMs);
            return info.IsChunkPolicy
                ? new RemoteChunkPolicy(channel, options, host, port, info, log)
                : new RemotePolicy(channel, options, host, port, info, log);
        }
        catch (RpcException e)
        {
            channel.Dispose();
            throw new RobotHostException($"policy server {host}:{port} did not answer ({Describe(e)}); is `robothost serve` running on {host}:{port}?");
        }
    }

    /// <summary>Splits <c>HOST:PORT</c> (<c>[v6]:PORT</c> for IPv6).</summary>
    /// <exception cref="RobotHostException">Not HOST:PORT with a port from 1 to 65535.</exception>
    public static (string Host, int Port) ParseAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            throw new RobotHostException($"--policy-server '{address}' must be HOST:PORT, e.g. --policy-server 192.168.1.20:50051");
        return (address[..colon].Trim('[', ']'), port);
    }

    /// <summary>Asks the server to seed the policy's random source with the next <see cref="Reset"/>.</summary>
    public void Seed(long seed) => _seed = seed;

    /// <inheritdoc />
    public virtual void Reset()
    {
        var reset = new ResetRequest();
        if (_seed is { } seed)
        {
            reset.HasSeed = true;
            reset.Seed = seed;
            _seed = null;
        }
        Call(new ActRequest { Reset = reset });
    }

    /// <inheritdoc />
    public float[] SelectAction(Observation observation)
    {
        var reply = Call(new ActRequest { SelectAction = RemoteMessages.ToMessage(observation) })!;
        Queued = reply.QueuedActions;
        return reply.Actions.ToArray();
    }

    /// <summary>Actions the served policy still holds from its last prediction, as of the last reply.</summary>
    private protected int Queued { get; set; }

    /// <summary>
    /// One request in the session (opened first when there is none); waits for its reply unless <paramref name="noReply"/>.
    /// </summary>
    /// <exception cref="RobotHostException">The server failed, was unreachable or passed the deadline; or the served policy threw.</exception>
    private protected ActReply? Call(ActRequest request, bool noReply = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        request.Id = ++_nextId;
        // A session's first answer includes the server's set-up of the session: it gets the connect allowance.
        var allowed = _sessionAnswered ? TimeSpan.FromMilliseconds(Options.DeadlineMs) : Max(TimeSpan.FromMilliseconds(Options.DeadlineMs), Options.ConnectTimeout);
        using var deadline = new CancellationTokenSource(allowed);
        ActReply reply;
        try
        {
            if (_session is null && _reconnecting) CheckServedPolicyUnchanged(DateTime.UtcNow + allowed);
            var session = _session ??= _client.Act();
            session.RequestStream.WriteAsync(request, deadline.Token).GetAwaiter().GetResult();
            if (noReply) return null;
            do
            {
                if (!session.ResponseStream.MoveNext(deadline.Token).GetAwaiter().GetResult())
                    throw new RobotHostException($"policy server {_host}:{_port} closed the session; {Fix}");
                reply = session.ResponseStream.Current;
            } while (reply.Id < request.Id);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException or SocketException)
        {
            EndSession();
            var timedOut = deadline.IsCancellationRequested;
            _log.LogWarning("policy server {Host}:{Port}: {Request} failed ({Reason})", _host, _port, request.KindCase, timedOut ? "deadline" : e.Message);
            throw new RobotHostException(timedOut
                ? $"policy server {_host}:{_port} did not answer within {allowed.TotalMilliseconds:F0} ms; {Fix} (a slower network or policy needs a larger --policy-deadline-ms)"
                : $"policy server {_host}:{_port} failed ({(e is RpcException r ? Describe(r) : e.Message)}); {Fix}", e);
        }
        catch (RobotHostException)
        {
            EndSession();
            throw;
        }
        _sessionAnswered = true;
        if (reply.Error.Length > 0) throw new RobotHostException($"policy served by {_host}:{_port} failed: {reply.Error}");
        return reply;
    }

    /// <summary>
    /// Before a new session on a connection that had one: the server may have been restarted with another checkpoint,
    /// whose actions would go to the robot under this run's names and limits. Its info must be what this run started with.
    /// </summary>
    private void CheckServedPolicyUnchanged(DateTime deadline)
    {
        var now = _client.GetInfo(new InfoRequest(), deadline: deadline);
        if (!now.Equals(Served))
            throw new RobotHostException($"policy server {_host}:{_port} now serves {now.PolicyType} from {now.Checkpoint}, not the {Served.PolicyType} from {Served.Checkpoint} this run started with; serve that checkpoint again, or start the run again against the new one");
        _log.LogInformation("policy server {Host}:{Port} reconnected; it still serves {Policy} from {Checkpoint}", _host, _port, now.PolicyType, now.Checkpoint);
    }

    private void EndSession()
    {
        var session = _session;
        _session = null;
        _sessionAnswered = false;
        _reconnecting = true;
        if (session is null) return;
        try { session.Dispose(); } // cancels the call; the server sees the session end
        catch (Exception e) when (e is RpcException or ObjectDisposedException) { }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Describe(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable => "unreachable: " + e.Status.Detail,
        StatusCode.DeadlineExceeded => "no answer in time",
        _ => $"{e.StatusCode}: {e.Status.Detail}",
    };

    /// <summary>Closes the session and the connection.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_session is { } session)
        {
            try { session.RequestStream.CompleteAsync().Wait(TimeSpan.FromMilliseconds(200)); }
            catch (Exception e) when (e is AggregateException or RpcException or InvalidOperationException) { }
        }
        EndSession();
        _channel.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A <see cref="RemotePolicy"/> whose served policy predicts action chunks: asynchronous chunks and real-time chunking work remotely.</summary>
public sealed class RemoteChunkPolicy : RemotePolicy, IChunkPolicy
{
    internal RemoteChunkPolicy(GrpcChannel channel, RemotePolicyOptions options, string host, int port, ServedPolicyInfo info, ILogger log)
        : base(channel, options, host, port, info, log)
    {
    }

    /// <inheritdoc />
    public int ChunkLength => Served.ChunkLength;

    /// <inheritdoc />
    public int ExecutionHorizon => Served.ExecutionHorizon;

    /// <inheritdoc />
    public int QueuedActions => Queued;

    /// <inheritdoc />
    public bool SupportsGuidance => Served.SupportsGuidance;

    /// <inheritdoc />
    public override void Reset()
    {
        base.Reset();
        Queued = 0;
    }

    /// <summary>Sends the observation without waiting for an answer; a failure of the served policy surfaces with the next call.</summary>
    public void Observe(Observation observation) => Call(new ActRequest { Observe = RemoteMessages.ToMessage(observation) }, noReply: true);

    /// <inheritdoc />
    public IReadOnlyList<float[]> PredictChunk(ChunkGuidance? guidance = null)
    {
        var request = new PredictRequest();
        if (guidance is not null)
        {
            var message = new Guidance { Frozen = guidance.Frozen };
            message.ActionSize = RemoteMessages.Flatten(guidance.Previous, message.Previous);
            request.Guidance = message;
        }
        var reply = Call(new ActRequest { PredictChunk = request })!;
        Queued = reply.QueuedActions;
        return RemoteMessages.Rows(reply.Actions, reply.ActionSize);
    }
}
