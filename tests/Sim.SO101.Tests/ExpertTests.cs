using RobotHost.Plugins.Sim.SO101.Arm;
using RobotHost.Plugins.Sim.SO101.Components;
using RobotHost.Plugins.Sim.SO101.Obstacle;
using RobotHost.Plugins.Sim.SO101.PickPlace;
using RobotHost.Plugins.Sim.SO101.Tests.Support;
using RobotHost.Sdk;

namespace RobotHost.Plugins.Sim.SO101.Tests;

public sealed class ExpertTests
{
    [Fact]
    public void Pick_place_expert_succeeds_in_at_least_98_of_100_seeds_and_uses_every_zone()
    {
        using var env = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "" });
        var successes = 0;
        var zones = new HashSet<string>();
        var lengths = new List<int>();
        for (var seed = 0; seed < 100; seed++)
        {
            var results = Rollouts.ExpertEpisode(env, seed);
            if (results[^1].Success) successes++;
            zones.Add(env.Condition);
            lengths.Add(results.Count);
            Assert.True(results.All(r => r.Reward is >= 0 and <= 1));
        }
        Assert.True(successes >= 98, $"expert succeeded in {successes}/100");
        Assert.Equal(PickPlaceLayout.ZoneCount, zones.Count);
        // Varied demonstrations: episode lengths differ across seeds (speed, path) and stay well under max_steps.
        Assert.True(lengths.Distinct().Count() > 20, $"lengths: {string.Join(",", lengths.Distinct())}");
        Assert.True(lengths.Max() < env.MaxSteps);
    }

    [Fact]
    public void Pick_place_expert_finishes_the_task_from_states_a_wandering_policy_leaves_behind()
    {
        // DAgger asks the expert for the right action wherever the learner went: hand it the arm after a stretch of random
        // goals (some with the jaws shut, some dropping the cube it held) and it must still get the cube into the bin.
        using var env = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "" });
        var successes = 0;
        var lengths = new List<int>();
        var phases = new HashSet<string>();
        for (var seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            env.Reset(seed);
            var steps = 0;
            StepResult result = null!;
            // The expert drives for a while (up to mid-carry), then random goals for 0.5–2 s, then the expert again.
            var handOver = random.Next(0, 120);
            var wander = random.Next(15, 60);
            for (; steps < handOver; steps++) result = env.Step(env.ExpertAction());
            var goal = env.ExpertAction();
            for (var i = 0; i < wander; i++, steps++)
            {
                for (var j = 0; j < goal.Length; j++) goal[j] += (float)(random.NextDouble() * 2 - 1) * (j == So101Joints.Gripper ? 12 : 4);
                result = env.Step(goal);
            }
            while (!result.Done && steps < env.MaxSteps)
            {
                result = env.Step(env.ExpertAction());
                phases.Add(env.ExpertPhase);
                steps++;
            }
            if (result.Success) successes++;
            lengths.Add(steps);
        }
        Assert.True(successes >= 57, $"expert recovered in {successes}/60");
        Assert.Superset(new HashSet<string> { "approach", "descend", "close", "lift", "carry", "release", "retreat" }, phases);
    }

    [Fact]
    public void Obstacle_expert_plans_again_from_where_a_drifting_car_is_and_still_gets_round()
    {
        // The car is steered at random for a while before the branch, off the expert's path; the expert then steers it
        // round the obstacle from wherever it is, on the side it drifted to.
        using var env = new ObstacleEnvironment(new ObstacleEnvConfig());
        var expert = (IScriptedExpert)env;
        int successes = 0, sideKept = 0, drifted = 0;
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            var result = env.Reset(seed);
            var steps = 0;
            // At 1 unit/s the car covers the 0.6 from start to obstacle in 18 ticks: wander for 5 of the first 7.
            for (; steps < 2; steps++) result = env.Step(expert.ExpertAction());
            var rate = (float)(random.NextDouble() * 2 - 1) * 4f;
            for (var i = 0; i < 5; i++, steps++) result = env.Step([rate]);
            var x = env.World.X;
            while (!result.Done && steps++ < env.MaxSteps) result = env.Step(expert.ExpertAction());
            if (result.Success) successes++;
            if (Math.Abs(x) > 0.05)
            {
                drifted++;
                if (env.World.PassedSide == Math.Sign(x)) sideKept++;
            }
        }
        Assert.True(successes >= 38, $"expert got round from drifted states in {successes}/40");
        Assert.True(drifted >= 10 && sideKept >= drifted * 0.9, $"kept the side drifted to in {sideKept}/{drifted}");
    }

    [Fact]
    public void Action_noise_takes_the_arm_off_the_expert_path_while_the_recorded_action_stays_the_expert_s()
    {
        using var clean = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "" });
        using var noisy = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "", ActionNoise = 1.5 });
        using var again = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "", ActionNoise = 1.5 });
        var successes = 0;
        var deviations = new List<double>();
        for (var seed = 0; seed < 30; seed++)
        {
            clean.Reset(seed);
            noisy.Reset(seed);
            again.Reset(seed);
            var done = false;
            for (var tick = 0; tick < 100 && !done; tick++) // the reach and the grasp
            {
                // The expert (what a recorder writes) labels the state the arm is really in; a noise-free arm given the
                // same goals shows where they would have taken it.
                var action = noisy.ExpertAction();
                Assert.Equal(action, again.ExpertAction());
                clean.Step(action);
                done = noisy.Step(action).Done;
                again.Step(action);
                // ...the arm does not follow them exactly, the same way for the same seed.
                Assert.Equal(noisy.World.Joints.ToArray(), again.World.Joints.ToArray());
                for (var j = 0; j < So101Joints.Gripper; j++) deviations.Add(Math.Abs(noisy.World.Joints[j] - clean.World.Joints[j]));
            }
            var rest = new List<StepResult> { noisy.Step(noisy.ExpertAction()) };
            while (!rest[^1].Done && rest.Count < noisy.MaxSteps) rest.Add(noisy.Step(noisy.ExpertAction()));
            if (rest[^1].Success) successes++;
        }
        var mean = deviations.Average();
        Assert.InRange(mean, 0.4, 3.0); // degrees: off the path by about the noise, not wildly
        Assert.True(deviations.Max() > 2, $"largest deviation {deviations.Max():F2}°");
        // The expert acts on the state, so it corrects the drift: the demonstrations still succeed.
        Assert.True(successes >= 27, $"expert with action_noise 1.5 succeeded in {successes}/30");
        // The robot path (what the recorder writes is what SendAction returns): the goals as commanded, the arm off them.
        var registry = new TestRegistry();
        new SimSo101Module().Register(registry);
        var robot = registry.Create<IRobot>("sim_so101", new SimRobotConfig { Rig = "noisy", ActionNoise = 1.5 });
        robot.Connect();
        ((IEpisodeAware)robot).OnEpisodeStart(0, 7);
        float[] hold = [10, -20, 30, 60, 5, 30];
        float[] sent = [];
        for (var i = 0; i < 60; i++) sent = robot.SendAction(RobotAction.FromVector(So101Joints.Names, hold)).ToVector(So101Joints.Names);
        Assert.Equal(hold, sent);
        var settled = robot.GetObservation().ToVector(So101Joints.Names);
        Assert.True(Enumerable.Range(0, So101Joints.Gripper).Max(j => Math.Abs(settled[j] - hold[j])) > 0.3, $"arm at {string.Join(", ", settled)}");
        Assert.Equal(hold[So101Joints.Gripper], settled[So101Joints.Gripper], 3); // the gripper is exact
        Assert.Contains(new PickPlaceEnvConfig { ActionNoise = -1 }.Validate(), p => p.Contains("action_noise"));
        Assert.Contains(new SimRobotConfig { ActionNoise = 20 }.Validate(), p => p.Contains("action_noise"));
    }

    [Fact]
    public void Recovery_starts_begin_some_episodes_beside_the_cube_or_lifted_without_it_and_the_expert_still_succeeds()
    {
        using var plain = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "" });
        using var env = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "", RecoveryStarts = 0.5 });
        int beside = 0, lifted = 0, successes = 0;
        for (var seed = 0; seed < 60; seed++)
        {
            plain.Reset(seed);
            env.Reset(seed);
            // The scene of a seed is the same with the option; only where the arm starts may differ.
            Assert.Equal(plain.World.Cube, env.World.Cube);
            if (!plain.World.Joints.SequenceEqual(env.World.Joints))
            {
                var tip = So101Kinematics.Forward(env.World.Joints).Tip;
                var cube = env.World.Cube;
                var apart = tip.HorizontalDistance(cube);
                if (apart is > 0.009 and < 0.031 && tip.Z - cube.Z < 0.065) beside++;
                else if (tip.Z > 0.05 && env.World.Joints[So101Joints.Gripper] <= 25.001) lifted++;
                else Assert.Fail($"seed {seed}: start with the tip {apart * 100:F1} cm from the cube at {tip.Z * 100:F1} cm, gripper {env.World.Joints[So101Joints.Gripper]:F0}");
            }
            if (Rollouts.ExpertEpisode(env, seed)[^1].Success) successes++;
        }
        Assert.InRange(beside + lifted, 18, 42); // about half of 60
        // The episode a world places when it is made follows the option too (seed 0 is what Reset(0) asks for again).
        Assert.NotEqual(new PickPlaceWorld().Joints.ToArray(), new PickPlaceWorld { RecoveryStarts = 1 }.Joints.ToArray());
        using (var always = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "", RecoveryStarts = 1 }))
        {
            always.Reset(0);
            plain.Reset(0);
            Assert.NotEqual(plain.World.Joints.ToArray(), always.World.Joints.ToArray());
        }
        Assert.True(beside >= 6 && lifted >= 6, $"beside {beside}, lifted {lifted}");
        // From a missed grasp, the expert makes the second try: the demonstrations stay complete.
        Assert.True(successes >= 59, $"expert succeeded in {successes}/60 with recovery starts");
        // The robot path places the same starts.
        var registry = new TestRegistry();
        new SimSo101Module().Register(registry);
        var robots = new[] { 0.0, 1.0 }.Select(share =>
        {
            var robot = registry.Create<IRobot>("sim_so101", new SimRobotConfig { Rig = $"recovery{share}", RecoveryStarts = share });
            robot.Connect();
            ((IEpisodeAware)robot).OnEpisodeStart(0, 7);
            return robot.GetObservation().ToVector(So101Joints.Names);
        }).ToList();
        Assert.NotEqual(robots[0], robots[1]);
        Assert.Contains(new PickPlaceEnvConfig { RecoveryStarts = 1.5 }.Validate(), p => p.Contains("recovery_starts"));
        Assert.Contains(new SimRobotConfig { RecoveryStarts = -0.1 }.Validate(), p => p.Contains("recovery_starts"));
    }

    [Fact]
    public void Pick_place_reward_climbs_through_reach_grasp_over_bin_and_success()
    {
        using var env = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "" });
        var rewards = Rollouts.ExpertEpisode(env, 2).Select(r => r.Reward).ToList();
        Assert.Equal(0f, rewards[0]);
        foreach (var stage in new[] { 0.25f, 0.5f, 0.75f, 1f }) Assert.Contains(stage, rewards);
        Assert.Equal(1f, rewards[^1]);
    }

    [Fact]
    public void Cube_is_not_lifted_when_the_gripper_arrives_closed_and_falls_when_it_opens()
    {
        using var env = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "" });
        env.Reset(0);
        var cube = env.World.Cube;
        var pan = Math.Atan2(cube.Y, cube.X) * 180 / Math.PI;
        var reach = Math.Sqrt(cube.X * cube.X + cube.Y * cube.Y);
        float[] Goals(double z, double gripper) => So101Kinematics.Inverse(new TaskPose(pan, reach, z, 180, 0, gripper)).Select(v => (float)v).ToArray();
        void Hold(float[] goals, int ticks) { for (var i = 0; i < ticks; i++) env.Step(goals); }

        Hold(Goals(0.08, 0), 40); // above, closed
        Hold(Goals(cube.Z, 0), 30); // down onto the cube with closed jaws
        Hold(Goals(0.12, 0), 30);
        Assert.False(env.World.CubeHeld);
        Assert.Equal(cube, env.World.Cube);

        Hold(Goals(0.08, 90), 30); // open above it, then down around it, close, lift
        Hold(Goals(cube.Z, 90), 30);
        Hold(Goals(cube.Z, 5), 20);
        Assert.True(env.World.CubeHeld);
        Assert.InRange(env.World.Joints[So101Joints.Gripper], 40, 46); // the jaws stall on the 3 cm cube
        Hold(Goals(0.12, 5), 30);
        Assert.True(env.World.Cube.Z > 0.09);
        Hold(Goals(0.12, 90), 30); // open in the air: it falls back to the table, not in the bin
        Assert.False(env.World.CubeHeld);
        Assert.Equal(PickPlaceLayout.CubeSize / 2, env.World.Cube.Z, 9);
        Assert.False(env.World.Success);
    }

    [Fact]
    public void Obstacle_expert_succeeds_and_splits_left_and_right_about_evenly()
    {
        using var env = new ObstacleEnvironment(new ObstacleEnvConfig());
        var successes = 0;
        var left = 0;
        for (var seed = 0; seed < 100; seed++)
        {
            var results = Rollouts.ExpertEpisode(env, seed);
            var last = results[^1];
            if (last.Success) successes++;
            Assert.Equal(0, last.Info["collisions"]);
            // The side it really passed on is the side it planned.
            Assert.Equal(env.Condition == "left" ? -1 : 1, last.Info["side"]);
            if (env.Condition == "left") left++;
        }
        Assert.True(successes >= 98, $"expert succeeded in {successes}/100");
        Assert.InRange(left, 35, 65);
    }

    [Fact]
    public void Obstacle_expert_drives_straight_until_the_branch_and_then_clears_the_obstacle_by_a_margin()
    {
        var worst = double.MaxValue;
        for (var seed = 0; seed < 300; seed++)
        {
            var world = new ObstacleWorld();
            world.Reset(seed);
            var (x0, expert) = (world.X, new ObstacleExpert());
            expert.Plan(world);
            for (var tick = 0; tick < 150 && !world.GoalReached; tick++)
            {
                world.Step(expert.Action(world)[0]);
                // Until the pursuit point leaves the trunk, left and right demonstrations are the same straight drive.
                if (world.Y < expert.BranchY - 0.16) Assert.Equal(x0, world.X, 9);
                worst = Math.Min(worst, ObstacleLayout.Clearance(world.X, world.Y));
            }
            Assert.True(world.Success, $"seed {seed}: expert did not reach the goal cleanly");
        }
        Assert.True(worst >= 0.08, $"the expert comes within {worst:F3} of the obstacle");
    }

    [Fact]
    public void Obstacle_policy_that_averages_left_and_right_runs_into_the_obstacle()
    {
        using var env = new ObstacleEnvironment(new ObstacleEnvConfig());
        for (var seed = 0; seed < 20; seed++)
        {
            // The mean of the two modes from the same state: what a point-estimate policy learns from a 50/50 expert.
            var result = env.Reset(seed);
            var leftPlan = new ObstacleExpert();
            var rightPlan = new ObstacleExpert();
            leftPlan.Plan(env.World, forceSide: -1);
            rightPlan.Plan(env.World, forceSide: 1);
            while (!result.Done)
                result = env.Step([(leftPlan.Action(env.World)[0] + rightPlan.Action(env.World)[0]) / 2]);
            Assert.False(result.Success);
            Assert.True(result.Info["collisions"] > 0);
        }
    }

    [Fact]
    public void Expert_options_produce_the_data_failure_modes_on_purpose()
    {
        var registry = new TestRegistry();
        new SimSo101Module().Register(registry);

        // Idle frames at the start and end: the action does not change for the configured time.
        var idle = Rollouts.Rig(registry, "idle", expert: new SimExpertConfig { IdleStartS = 1, IdleEndS = 1 });
        var frames = Rollouts.RecordEpisode(idle.Robot, idle.Front, idle.Wrist, idle.Expert, 0, 3);
        Assert.True(frames[^1].Success);
        Assert.All(frames.Take(30), f => Assert.Equal(frames[0].Action, f.Action));
        Assert.All(frames.TakeLast(25), f => Assert.Equal(frames[^1].Action, f.Action));

        // Default: no idle frames — the action changes from the first tick on.
        var clean = Rollouts.Rig(registry, "clean");
        var cleanFrames = Rollouts.RecordEpisode(clean.Robot, clean.Front, clean.Wrist, clean.Expert, 0, 3);
        Assert.NotEqual(cleanFrames[0].Action, cleanFrames[1].Action);
        Assert.True(cleanFrames.Count < frames.Count - 50);

        // Incomplete: no episode succeeds.
        var incomplete = Rollouts.Rig(registry, "incomplete", expert: new SimExpertConfig { Incomplete = 1 });
        for (var e = 0; e < 6; e++)
            Assert.False(Rollouts.RecordEpisode(incomplete.Robot, incomplete.Front, incomplete.Wrist, incomplete.Expert, e, e, maxFrames: 300)[^1].Success);

        // Single zone: every episode's cube is in the same zone.
        var single = Rollouts.Rig(registry, "single", expert: new SimExpertConfig { SingleZone = 4 });
        for (var e = 0; e < 6; e++)
        {
            ((IEpisodeAware)single.Robot).OnEpisodeStart(e, e);
            Assert.Equal("zone 4", ((ITaskFeedback)single.Robot).Condition);
        }

        // Inconsistent: another technique (tilted, rolled gripper) that still gets the cube in the bin.
        var side = Rollouts.Rig(registry, "side", expert: new SimExpertConfig { Inconsistent = 1 });
        var sideFrames = Rollouts.RecordEpisode(side.Robot, side.Front, side.Wrist, side.Expert, 0, 3);
        Assert.True(sideFrames[^1].Success);
        var rollTop = cleanFrames.Max(f => Math.Abs(f.Action[So101Joints.WristRoll]));
        var rollSide = sideFrames.Max(f => Math.Abs(f.Action[So101Joints.WristRoll]));
        Assert.True(rollSide > rollTop + 45, $"side technique roll {rollSide} vs top {rollTop}");
    }

    [Fact]
    public void Inconsistent_expert_still_succeeds_mostly()
    {
        using var env = new PickPlaceEnvironment(new PickPlaceEnvConfig { Cameras = "" }, new ExpertOptions(Inconsistent: 1));
        var successes = Enumerable.Range(0, 30).Count(seed => Rollouts.ExpertEpisode(env, seed)[^1].Success);
        Assert.True(successes >= 28, $"side technique succeeded in {successes}/30");
    }
}
