using DynDet.Torch;

namespace DynDet.Assignment;

/// <summary>
/// MMDetection's <c>RandomSampler</c> (SPEC §0.3): up to <c>(int)(Num · PosFraction)</c> positives
/// (<c>gt_inds &gt; 0</c>), then <c>Num − #pos</c> negatives (<c>gt_inds == 0</c>, optionally capped by
/// <see cref="RandomSamplerOptions.NegPosUb"/>), each a uniform random subset when there are more candidates
/// than wanted. Random subsets come from <see cref="Tensor.Randperm"/> on the global libtorch generator, one
/// call per subsampled set exactly as MMDetection's <c>random_choice</c>, so a run is reproducible from
/// <see cref="Engine.ManualSeed"/> and draws the same indices as MMDetection under <c>torch.manual_seed</c>.
/// Sampled indices are returned ascending (MMDetection applies <c>unique()</c>).
/// </summary>
public sealed class RandomSampler : IBoxSampler
{
    /// <summary>Creates a sampler (default: MMDetection's R-CNN sampler, 512 RoIs, 25 % positives, gts added).</summary>
    public RandomSampler(RandomSamplerOptions? options = null)
    {
        Options = options ?? new RandomSamplerOptions();
        if (Options.Num < 1)
        {
            throw new ArgumentException($"the sampler's Num must be at least 1, got {Options.Num}", nameof(options));
        }

        if (!(Options.PosFraction >= 0 && Options.PosFraction <= 1))
        {
            throw new ArgumentException($"the sampler's PosFraction must be in [0, 1], got {Options.PosFraction}", nameof(options));
        }
    }

    /// <summary>The options this sampler was built with.</summary>
    public RandomSamplerOptions Options { get; }

    /// <inheritdoc />
    public SamplingResult Sample(AssignResult assignment, Tensor boxes, Tensor gtBoxes, Tensor? gtLabels = null)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(gtBoxes);
        using var scope = Engine.NewDisposeScope();
        var candidates = SamplerInputs.Boxes(boxes, assignment);
        var gtFlags = Tensor.Zeros([candidates.Size(0)], ScalarType.Bool, candidates.Device);
        long numGts = gtBoxes.Size(0);
        if (Options.AddGtAsProposals && numGts > 0)
        {
            if (gtLabels is null)
            {
                throw new ArgumentNullException(nameof(gtLabels), "gt labels are needed to add the gts as proposals");
            }

            candidates = Tensor.Cat([gtBoxes.To(candidates.Dtype), candidates]);
            assignment.AddGtAsProposals(gtLabels);
            gtFlags = Tensor.Cat([Tensor.Ones([numGts], ScalarType.Bool, candidates.Device), gtFlags]);
        }

        long expectedPos = (long)(Options.Num * Options.PosFraction);
        var pos = Choose(assignment.GtIndices.Gt(0), expectedPos);
        long sampledPos = pos.Size(0);
        long expectedNeg = Options.Num - sampledPos;
        if (Options.NegPosUb >= 0)
        {
            expectedNeg = Math.Min(expectedNeg, (long)(Options.NegPosUb * Math.Max(1, sampledPos)));
        }

        var neg = Choose(assignment.GtIndices.Eq(0), expectedNeg);
        return new SamplingResult(pos, neg, candidates, gtBoxes, assignment, gtFlags);
    }

    // MMDetection's _sample_pos/_sample_neg + random_choice + unique(): all candidates when few enough, else a
    // random subset drawn by a CPU randperm, sorted.
    private static Tensor Choose(Tensor mask, long expected)
    {
        var candidates = mask.NonzeroFlat();
        long count = candidates.Size(0);
        if (count <= expected)
        {
            return candidates;
        }

        using var perm = Tensor.Randperm(count);
        using var head = perm.Narrow(0, 0, expected);
        using var onDevice = head.To(candidates.Device);
        using var chosen = candidates.IndexSelect(0, onDevice);
        return chosen.Sort(0).Values;
    }
}
