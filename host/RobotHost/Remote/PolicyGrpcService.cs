using Grpc.Core;
using Microsoft.Extensions.Logging;
using RobotHost.Remote.Protocol;
using RobotHost.Sdk;

namespace RobotHost.Remote;

/// <summary>
/// The gRPC service over one loaded policy. Calls into the policy are serialised (a policy keeps one history), and a
/// new session resets it: one client at a time drives a served policy.
/// </summary>
internal sealed class PolicyGrpcService(ServedPolicy served, ILogger<PolicyGrpcService> log) : PolicyService.PolicyServiceBase
{
    /// <inheritdoc />
    public override Task<ServedPolicyInfo> GetInfo(InfoRequest request, ServerCallContext context) =>
        Task.FromResult(RemoteMessages.ToMessage(served.Policy, served.Checkpoint));

    /// <inheritdoc />
    public override async Task Act(IAsyncStreamReader<ActRequest> requests, IServerStreamWriter<ActReply> replies, ServerCallContext context)
    {
        log.LogInformation("session from {Peer}", context.Peer);
        served.Run(p => p.Reset());
        string? observeError = null;
        var count = 0L;
        try
        {
            await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
            {
                count++;
                if (request.KindCase == ActRequest.KindOneofCase.Observe)
                {
                    // Observe has no reply: a failure is told with the next reply.
                    try { served.Run(p => Chunks(p).Observe(RemoteMessages.FromMessage(request.Observe))); }
                    catch (Exception e) when (e is not OperationCanceledException) { observeError ??= Failed("observe", e); }
                    continue;
                }
                var reply = new ActReply { Id = request.Id, Error = observeError ?? "" };
                observeError = null;
                if (reply.Error.Length == 0)
                {
                    try { Answer(request, reply); }
                    catch (Exception e) when (e is not OperationCanceledException) { reply.Error = Failed(request.KindCase.ToString(), e); }
                }
                await replies.WriteAsync(reply, context.CancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException || context.CancellationToken.IsCancellationRequested)
        {
            log.LogInformation("session from {Peer} ended by the client after {Requests} requests", context.Peer, count);
            return;
        }
        log.LogInformation("session from {Peer} closed after {Requests} requests", context.Peer, count);
    }

    private void Answer(ActRequest request, ActReply reply)
    {
        switch (request.KindCase)
        {
            case ActRequest.KindOneofCase.Reset:
                served.Run(p =>
                {
                    if (request.Reset.HasSeed) (p as ISeededPolicy)?.Seed(request.Reset.Seed);
                    p.Reset();
                });
                break;
            case ActRequest.KindOneofCase.SelectAction:
                var observation = RemoteMessages.FromMessage(request.SelectAction);
                var action = served.Run(p => p.SelectAction(observation));
                reply.Actions.AddRange(action);
                reply.ActionSize = action.Length;
                break;
            case ActRequest.KindOneofCase.PredictChunk:
                var guidance = request.PredictChunk.Guidance is { } g
                    ? new ChunkGuidance(RemoteMessages.Rows(g.Previous, g.ActionSize), g.Frozen)
                    : null;
                var chunk = served.Run(p => Chunks(p).PredictChunk(guidance));
                reply.ActionSize = RemoteMessages.Flatten(chunk, reply.Actions);
                break;
            default:
                throw new RobotHostException($"unknown request '{request.KindCase}'; client and server are different RobotHost versions");
        }
        reply.QueuedActions = served.Run(p => (p as IChunkPolicy)?.QueuedActions ?? 0);
    }

    private IChunkPolicy Chunks(IPolicy policy) =>
        policy as IChunkPolicy ?? throw new RobotHostException($"served policy '{policy.Info.PolicyType}' does not predict action chunks");

    private string Failed(string what, Exception e)
    {
        log.LogWarning(e, "policy {What} failed", what);
        return $"{what}: {e.Message}";
    }
}

/// <summary>The policy a server serves, with the lock every call into it takes.</summary>
/// <param name="Policy">The loaded policy.</param>
/// <param name="Checkpoint">Where it was loaded from.</param>
internal sealed record ServedPolicy(IPolicy Policy, string Checkpoint)
{
    private readonly Lock _gate = new();

    public T Run<T>(Func<IPolicy, T> call)
    {
        lock (_gate) return call(Policy);
    }

    public void Run(Action<IPolicy> call)
    {
        lock (_gate) call(Policy);
    }
}
