using System.Globalization;
using System.Text.Json;
using DynDet.Config;
using DynDet.Dynamic;
using DynDet.TestSupport;
using DynDet.Torch;

namespace DynDet.Tests.Dynamic;

/// <summary>
/// AVW and RLO (SPEC §7.1, Eqs. 2–9) on scripted per-level losses: small cases computed by hand in the tests, and
/// longer sequences against tests/fixtures/gen_balancer.py, an independent Python transcription of the equations.
/// </summary>
public sealed class LevelBalancerTests : TorchTest
{
    private const double Eps = 1e-5;

    private static LevelBalancerConfig Config(LevelBalancerMethod method, int interval, params BalancerAction[] actions) => new()
    {
        Method = method,
        Interval = interval,
        Actions = actions.Length == 0 ? new LevelBalancerConfig().Actions : actions,
    };

    /// <summary>One step: the head's two per-level terms (their sum is <paramref name="levels"/>) through Observe → Synchronize → Update.</summary>
    private static StrategyUpdate? Step(LevelBalancer balancer, long iteration, params double[] levels)
    {
        using var statistics = new StepStatistics(2);
        using var half = Tensor.FromArray(levels.Select(v => v / 2).ToArray());
        using var rest = Tensor.FromArray(levels.Select(v => v - v / 2).ToArray());
        statistics.Publish($"{balancer.Source}.{LevelBalancer.LevelLosses}", half, rest);
        balancer.Observe(statistics);
        balancer.Synchronize(SingleProcessReducer.Instance);
        return balancer.Update(iteration);
    }

    private static LevelBalancer Balancer(LevelBalancerConfig config, int levels = 3, ulong seed = 0) =>
        new(config, "bbox_head", levels, firstLevel: 3, seed);

    [Fact]
    public void Avw_first_interval_sums_unbiased_variances_rates_from_var0_1_and_weights_the_two_fastest_falling_levels()
    {
        using var avw = Balancer(Config(LevelBalancerMethod.Avw, interval: 3));
        Assert.Null(Step(avw, 1, 1, 2, 4));
        Assert.Null(Step(avw, 2, 3, 2, 5));
        Assert.Equal([1.0, 1.0, 1.0], avw.Weights); // nothing changes inside the interval
        var update = Step(avw, 3, 2, 2, 6);
        Assert.NotNull(update);
        // Eq. 2: 𝓛 = (1+3+2, 2+2+2, 4+5+6) = (6, 6, 15). Eq. 3 (means 2, 2, 5; / (α−1) = 2): Var = (2/2, 0, 2/2).
        Assert.Equal([6.0, 6.0, 15.0], avw.IntervalLosses);
        Assert.Equal([1.0, 0.0, 1.0], avw.Variances);
        // Eq. 4 with Var_0 = 1: r = (0, 1/(1+ε), 0).
        Assert.Equal([0.0, 1 / (1 + Eps), 0.0], avw.ReductionRates);
        // Largest r: level 1 (λ 1.5), then the tie of levels 0 and 2 goes to the finer, 0 (λ 1.0). Eq. 5 over Σ𝓛 = 27.
        Assert.Equal([1, 0], avw.Selected);
        Assert.Equal([1 + 1.0 * 6 / 27, 1 + 1.5 * 6 / 27, 1.0], avw.Weights);
        Assert.Equal(BalancerAction.A0, avw.LastAction);
        Assert.Equal(0.0, avw.LastReward); // t = 1: no reward yet
        Assert.Equal(1, avw.Intervals);
        Assert.Equal(27.0, update.Statistic);
        Assert.Equal(3, update.Samples);
        Assert.Equal(0, avw.HistoryCount);
    }

    [Fact]
    public void Avw_second_interval_rates_use_the_previous_variances_and_its_probability_stays_one()
    {
        using var avw = Balancer(Config(LevelBalancerMethod.Avw, interval: 3));
        foreach (var (m, row) in new[] { (1, new[] { 1.0, 2, 4 }), (2, [3, 2, 5]), (3, [2, 2, 6]), (4, [1, 1, 4]), (5, [1, 3, 4]) })
        {
            Step(avw, m, row);
        }

        Assert.NotNull(Step(avw, 6, 1, 2, 4));
        // 𝓛_2 = (3, 6, 12), Σ 21 < 27: reward +1. Var_2 = (0, 1, 0); r = ((1−0)/(1+ε), (0−1)/(0+ε), (1−0)/(1+ε)).
        Assert.Equal([3.0, 6.0, 12.0], avw.IntervalLosses);
        Assert.Equal([0.0, 1.0, 0.0], avw.Variances);
        Assert.Equal([1 / (1 + Eps), -1 / Eps, 1 / (1 + Eps)], avw.ReductionRates);
        Assert.Equal(1.0, avw.LastReward);
        // Tie of levels 0 and 2: 0 first (λ 1.5), 2 second (λ 1.0).
        Assert.Equal([0, 2], avw.Selected);
        Assert.Equal([1 + 1.5 * 3 / 21, 1.0, 1 + 1.0 * 12 / 21], avw.Weights);
        // AVW is RLO with a0 at probability 1: the reward changes nothing.
        Assert.Equal([1.0, 0.0, 0.0, 0.0], avw.Probabilities);
    }

    public static TheoryData<BalancerAction, int[], double[]> Actions => new()
    {
        // 𝓛 = (6, 3, 15), Σ 24; Var = (0, 0, 1) so r = (1/(1+ε), 1/(1+ε), 0).
        { BalancerAction.A0, [0, 1], [1 + 1.5 * 6 / 24, 1 + 1.0 * 3 / 24, 1] },   // largest r, tie to the finer level
        { BalancerAction.A1, [1, 0], [1 + 1.0 * 6 / 24, 1 + 1.5 * 3 / 24, 1] },   // smallest 𝓛 first
        { BalancerAction.A2, [2, 0], [1 + 1.0 * 6 / 24, 1, 1 + 1.5 * 15 / 24] },  // largest 𝓛 first
        { BalancerAction.A3, [], [1, 1, 1] },                                      // the baseline
    };

    [Theory]
    [MemberData(nameof(Actions))]
    public void Each_action_picks_its_levels_and_sets_eq5_weights(BalancerAction action, int[] selected, double[] weights)
    {
        // RLO restricted to one action takes it with probability 1.
        using var rlo = Balancer(Config(LevelBalancerMethod.Rlo, 3, action));
        Step(rlo, 1, 2, 1, 4);
        Step(rlo, 2, 2, 1, 6);
        Step(rlo, 3, 2, 1, 5);
        Assert.Equal([6.0, 3.0, 15.0], rlo.IntervalLosses);
        Assert.Equal(action, rlo.LastAction);
        Assert.Equal(selected, rlo.Selected);
        Assert.Equal(weights, rlo.Weights);
        Assert.Equal(action == BalancerAction.A3, rlo.IsUnit);
    }

    [Fact]
    public void Rlo_first_interval_draws_without_a_reward_then_rewards_a_fall_and_punishes_no_change_and_a_rise()
    {
        // Two actions, 0.5 each; γ 0.01. The first draw cannot be rewarded (no previous interval).
        using var rlo = Balancer(Config(LevelBalancerMethod.Rlo, 2, BalancerAction.A1, BalancerAction.A2), seed: 4);
        Step(rlo, 1, 1, 1, 1);
        Step(rlo, 2, 3, 3, 3); // 𝓛_1 = (4, 4, 4), Σ 12
        Assert.Equal([0.0, 0.5, 0.5, 0.0], rlo.Probabilities);
        Assert.Equal(0.0, rlo.LastReward);
        int first = (int)rlo.LastAction!.Value;
        int other = 3 - first;

        Step(rlo, 3, 2, 2, 2);
        Step(rlo, 4, 2, 2, 2); // Σ 12 again: R = sign(0) = 0, a punishment
        Assert.Equal(0.0, rlo.LastReward);
        Assert.Equal(0.5 - 0.01, rlo.Probabilities[first], 15);
        Assert.Equal(0.5 * (1 - 0.49) / (1 - 0.5), rlo.Probabilities[other], 15);
        var p = rlo.Probabilities.ToArray();
        int second = (int)rlo.LastAction!.Value;

        Step(rlo, 5, 1, 1, 1);
        Step(rlo, 6, 1, 1, 1); // Σ 6 < 12: R = +1
        Assert.Equal(1.0, rlo.LastReward);
        double rewarded = p[second] + 0.01;
        Assert.Equal(rewarded, rlo.Probabilities[second], 15);
        Assert.Equal(p[3 - second] * (1 - rewarded) / (1 - p[second]), rlo.Probabilities[3 - second], 15);
        p = rlo.Probabilities.ToArray();
        int third = (int)rlo.LastAction!.Value;

        Step(rlo, 7, 5, 5, 5);
        Step(rlo, 8, 5, 5, 5); // Σ 30 > 6: R = −1
        Assert.Equal(-1.0, rlo.LastReward);
        Assert.Equal(p[third] - 0.01, rlo.Probabilities[third], 15);
        Assert.Equal(1.0, rlo.Probabilities.Sum(), 15);
    }

    [Fact]
    public void Brelu_bounds_the_rewarded_probability_and_the_others_shrink_so_the_four_sum_to_one()
    {
        // γ 0.4, falling losses: the drawn action's p goes 0.25 → 0.65 and then is capped at β_max 0.9.
        var config = Config(LevelBalancerMethod.Rlo, 2) with { RewardStep = 0.4 };
        using var rlo = Balancer(config, seed: 1);
        double level = 100;
        int capped = 0;
        for (int m = 1; m <= 20; m++)
        {
            var before = rlo.Probabilities.ToArray();
            var previous = rlo.LastAction;
            level -= 1;
            if (Step(rlo, m, level, level, level) is not null && rlo.Intervals >= 2)
            {
                int k = (int)previous!.Value;
                double expected = Math.Min(Math.Max(before[k] + 0.4, 0.1), 0.9);
                capped += before[k] + 0.4 > 0.9 ? 1 : 0;
                Assert.Equal(expected, rlo.Probabilities[k], 14);
                for (int q = 0; q < 4; q++)
                {
                    if (q != k)
                    {
                        Assert.Equal(before[q] * (1 - expected) / (1 - before[k]), rlo.Probabilities[q], 14);
                    }
                }

                Assert.Equal(1.0, rlo.Probabilities.Sum(), 14);
                Assert.InRange(rlo.Probabilities[k], 0.1, 0.9);
            }
        }

        Assert.True(capped > 0, "the sequence never reached β_max");
    }

    [Fact]
    public void With_no_loss_at_all_in_an_interval_every_weight_stays_one()
    {
        using var avw = Balancer(Config(LevelBalancerMethod.Avw, 2));
        Step(avw, 1, 0, 0, 0);
        Step(avw, 2, 0, 0, 0);
        Assert.Equal(2, avw.Selected.Length);
        Assert.True(avw.IsUnit);
    }

    public static TheoryData<string> Sequences => new() { "rlo_p3_p7", "rlo_bounds", "rlo_roi_subset", "avw_p3_p7" };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Matches_the_python_transcription_of_eqs_2_to_9_update_by_update(string name)
    {
        var (config, levels, seed, source, losses, updates) = Fixture(name);
        using var balancer = new LevelBalancer(config, source, levels, 3, seed);
        int u = 0;
        for (int m = 0; m < losses.Length; m++)
        {
            var update = Step(balancer, m + 1, losses[m]);
            if (update is null)
            {
                continue;
            }

            var expected = updates[u++];
            string at = $"{name} update {expected.GetProperty("t").GetInt32()}";
            Assert.Equal(expected.GetProperty("iteration").GetInt64(), update.Iteration);
            Assert.Equal(expected.GetProperty("t").GetInt32(), balancer.Intervals);
            AssertClose(Doubles(expected, "sums"), balancer.IntervalLosses, at + " sums");
            AssertClose(Doubles(expected, "variances"), balancer.Variances, at + " variances");
            AssertClose(Doubles(expected, "rates"), balancer.ReductionRates, at + " rates");
            Assert.Equal(expected.GetProperty("reward").GetDouble(), balancer.LastReward);
            AssertClose(Doubles(expected, "probabilities"), balancer.Probabilities, at + " probabilities");
            Assert.Equal(expected.GetProperty("action").GetInt32(), (int)balancer.LastAction!.Value);
            Assert.Equal(expected.GetProperty("selected").EnumerateArray().Select(e => e.GetInt32()), balancer.Selected);
            AssertClose(Doubles(expected, "weights"), balancer.Weights, at + " weights");
            Assert.Equal(ulong.Parse(expected.GetProperty("rng_state").GetString()!, CultureInfo.InvariantCulture), balancer.RngState);
            Assert.Equal(1.0, balancer.Probabilities.Sum(), 12);
        }

        Assert.Equal(updates.Length, u);
    }

    [Fact]
    public void The_draw_is_seeded_by_the_training_seed_and_the_instance_name()
    {
        string[] Actions(ulong seed, string source)
        {
            using var rlo = new LevelBalancer(Config(LevelBalancerMethod.Rlo, 2), source, 3, 3, seed);
            var taken = new List<string>();
            for (int m = 1; m <= 40; m++)
            {
                if (Step(rlo, m, 1, 2, 3) is not null)
                {
                    taken.Add(rlo.LastAction!.Value.ToString());
                }
            }

            return [.. taken];
        }

        Assert.Equal(Actions(5, "rpn"), Actions(5, "rpn"));
        Assert.NotEqual(Actions(5, "rpn"), Actions(6, "rpn"));
        Assert.NotEqual(Actions(5, "rpn"), Actions(5, "roi_head"));
    }

    [Fact]
    public void A_state_saved_mid_interval_and_loaded_into_a_new_balancer_continues_exactly()
    {
        var (config, levels, seed, source, losses, _) = Fixture("rlo_p3_p7");
        using var straight = new LevelBalancer(config, source, levels, 3, seed);
        using var split = new LevelBalancer(config, source, levels, 3, seed);
        int cut = config.Interval * 3 + 2;
        for (int m = 0; m < cut; m++)
        {
            Step(straight, m + 1, losses[m]);
            Step(split, m + 1, losses[m]);
        }

        var state = split.SaveState();
        Assert.Equal(2, state.Histories["loss_p3"].Count);
        using var resumed = new LevelBalancer(config, source, levels, 3, seed + 1); // the state's RNG wins over the seed
        resumed.LoadState(state);
        Assert.Equal(split.Current, resumed.Current);
        for (int m = cut; m < losses.Length; m++)
        {
            var a = Step(straight, m + 1, losses[m]);
            var b = Step(resumed, m + 1, losses[m]);
            Assert.Equal(a?.Values, b?.Values);
        }

        Assert.Equal(straight.SaveState().Values, resumed.SaveState().Values);
    }

    [Fact]
    public void Each_steps_levels_are_reduced_across_processes_before_they_enter_the_interval()
    {
        // A second "process" whose per-level losses are (3, 3, 3) every step: the reducer's mean is what counts.
        using var avw = Balancer(Config(LevelBalancerMethod.Avw, interval: 2));
        var reducer = new TwoProcessMean([3, 3, 3]);
        foreach (var (m, row) in new[] { (1L, new[] { 1.0, 5, 3 }), (2L, [3, 1, 3]) })
        {
            using var statistics = new StepStatistics(1);
            using var levels = Tensor.FromArray(row);
            statistics.Publish($"bbox_head.{LevelBalancer.LevelLosses}", levels);
            avw.Observe(statistics);
            avw.Synchronize(reducer);
            avw.Update(m);
        }

        // Means: (2, 4, 3) then (3, 2, 3): 𝓛 = (5, 6, 6), Var = (0.5, 2, 0).
        Assert.Equal(2, reducer.Calls);
        Assert.Equal([5.0, 6.0, 6.0], avw.IntervalLosses);
        Assert.Equal([0.5, 2.0, 0.0], avw.Variances);
    }

    private sealed class TwoProcessMean(double[] other) : IStatisticReducer
    {
        public int Calls { get; private set; }

        public int WorldSize => 2;

        public Tensor Mean(Tensor statistic)
        {
            Calls++;
            using var scope = Engine.NewDisposeScope();
            using var peer = Tensor.FromArray(other);
            return scope.MoveToOuter((statistic + peer) / 2);
        }

        public Tensor Gather(Tensor statistic) => throw new NotSupportedException("a level balancer only takes means");
    }

    [Fact]
    public void Current_shows_weights_by_level_and_rlos_probabilities_and_updates_carry_the_whole_state()
    {
        using var rlo = new LevelBalancer(Config(LevelBalancerMethod.Rlo, 2), "rpn", 5, 2, 0);
        Assert.Equal(["rpn.w_p2", "rpn.w_p3", "rpn.w_p4", "rpn.w_p5", "rpn.w_p6", "rpn.p0", "rpn.p1", "rpn.p2", "rpn.p3"], rlo.Current.Keys);
        Assert.Equal("rpn.rlo", rlo.Name);
        Step(rlo, 1, 1, 2, 3, 4, 5);
        var update = Step(rlo, 2, 2, 2, 3, 4, 5)!;
        foreach (string key in new[] { "t", "action", "reward", "p0", "p3", "w_p2", "w_p6", "sum_p2", "var_p6", "r_p4", "selected_0", "selected_1" })
        {
            Assert.True(update.Values.ContainsKey(key), key);
        }

        using var avw = new LevelBalancer(Config(LevelBalancerMethod.Avw, 2), "roi_head", 4, 2, 0);
        Assert.Equal(["roi_head.w_p2", "roi_head.w_p3", "roi_head.w_p4", "roi_head.w_p5"], avw.Current.Keys);
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-12 * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static double[] Doubles(JsonElement e, string key) => e.GetProperty(key).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static (LevelBalancerConfig Config, int Levels, ulong Seed, string Source, double[][] Losses, JsonElement[] Updates) Fixture(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Generated, "balancer", "sequences.json")));
        var root = document.RootElement.GetProperty(name);
        var c = root.GetProperty("config");
        var config = new LevelBalancerConfig
        {
            Method = c.GetProperty("method").GetString() == "avw" ? LevelBalancerMethod.Avw : LevelBalancerMethod.Rlo,
            Interval = c.GetProperty("interval").GetInt32(),
            Amplification = Doubles(c, "amplification"),
            Eps = c.GetProperty("eps").GetDouble(),
            RewardStep = c.GetProperty("reward_step").GetDouble(),
            ProbabilityBounds = Doubles(c, "probability_bounds"),
            Actions = c.GetProperty("actions").EnumerateArray().Select(a => Enum.Parse<BalancerAction>(a.GetString()!, ignoreCase: true)).ToArray(),
        };
        string fullName = c.GetProperty("name").GetString()!;
        var losses = c.GetProperty("losses").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        return (config, c.GetProperty("levels").GetInt32(), c.GetProperty("seed").GetUInt64(), fullName[..fullName.LastIndexOf('.')],
            losses, root.GetProperty("updates").EnumerateArray().Select(u => u.Clone()).ToArray());
    }
}
