using RobotHost.Sdk;

namespace RobotHost.Corrections;

/// <summary>
/// How a DAgger rollout chooses the executed action: the expert's with probability <see cref="Beta"/>, the policy's
/// otherwise — the mixture policy π = β·π* + (1 − β)·π̂ of Ross, Gordon and Bagnell (2011) — drawn once per segment of
/// <see cref="SegmentTicks"/> ticks rather than every tick. Whichever runs, the frame is labelled with the expert's
/// action for the state it was in. Segments matter for chunking policies: a chunk's later steps are labels only along
/// the expert's own path, so an expert segment as long as a chunk supervises whole chunks from states the policy reached.
/// </summary>
/// <param name="Policy">The learner (reset at every episode; not disposed here).</param>
/// <param name="Beta">Probability of executing the expert's actions for a segment, 0–1.</param>
/// <param name="Seed">Seed of the draws (each episode derives its own stream from it and the episode's seed).</param>
/// <param name="SegmentTicks">Ticks one draw lasts (1: a draw every tick, the textbook mixture).</param>
public sealed record CorrectionMix(IPolicy Policy, double Beta, long Seed, int SegmentTicks = 30);
