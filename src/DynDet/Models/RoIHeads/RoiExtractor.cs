using DynDet.Torch;
using DynDet.Torch.NN;

namespace DynDet.Models.RoIHeads;

/// <summary>
/// MMDetection's <c>SingleRoIExtractor</c> (SPEC §2.2): each RoI is mapped to one pyramid level and pooled
/// there with RoIAlign (DynDet's native kernel by default, bit-identical to torchvision's and multi-threaded) to a
/// fixed square; results come back in the RoIs' order.
/// </summary>
public sealed class RoiExtractor
{
    /// <summary>Creates the extractor.</summary>
    /// <param name="strides">Strides of the levels pooled from (P2–P5: 4, 8, 16, 32).</param>
    /// <param name="outputSize">Side of the pooled square (7).</param>
    /// <param name="samplingRatio">Samples per bin side; 0 adaptive (MMDetection), 2 torchvision.</param>
    /// <param name="aligned">Half-pixel alignment (MMDetection true, torchvision false).</param>
    /// <param name="mapper">RoI-to-level rule.</param>
    public RoiExtractor(IReadOnlyList<int> strides, int outputSize, int samplingRatio, bool aligned, RoiLevelMapper mapper)
    {
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(mapper);
        Strides = strides.ToArray();
        OutputSize = outputSize;
        SamplingRatio = samplingRatio;
        Aligned = aligned;
        Mapper = mapper;
    }

    /// <summary>Strides of the levels.</summary>
    public IReadOnlyList<int> Strides { get; }

    /// <summary>Side of the pooled square.</summary>
    public int OutputSize { get; }

    /// <summary>Samples per bin side (0 adaptive).</summary>
    public int SamplingRatio { get; }

    /// <summary>Half-pixel alignment.</summary>
    public bool Aligned { get; }

    /// <summary>RoI-to-level rule.</summary>
    public RoiLevelMapper Mapper { get; }

    /// <summary>The RoIAlign kernel: DynDet's native one (default) or torchvision's (same results, one thread).</summary>
    public RoiAlignImplementation Implementation { get; init; } = RoiAlignImplementation.Native;

    /// <summary>Pools RoIs (R, 5) = (batch index, x1, y1, x2, y2) from <paramref name="features"/> (finest first) to (R, C, s, s).</summary>
    public Tensor Extract(IReadOnlyList<Tensor> features, Tensor rois)
    {
        using var scope = Engine.NewDisposeScope();
        return scope.MoveToOuter(ExtractWithLevels(features, rois).Pooled);
    }

    /// <summary>
    /// <see cref="Extract"/>, also returning the level each RoI was pooled from: int64 (R) indices into
    /// <paramref name="features"/> (0 = P2), the <see cref="Mapper"/>'s result, so per-level losses use the very
    /// assignment the pooling used. Both tensors are owned by the caller's scope.
    /// </summary>
    public (Tensor Pooled, Tensor Levels) ExtractWithLevels(IReadOnlyList<Tensor> features, Tensor rois)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(rois);
        using var scope = Engine.NewDisposeScope();
        var levels = scope.MoveToOuter(Mapper.Map(rois));
        var pooled = new List<Tensor>(Strides.Count);
        var order = new List<Tensor>(Strides.Count);
        for (int l = 0; l < Strides.Count; l++)
        {
            var index = levels.Eq(l).NonzeroFlat();
            if (index.Size(0) == 0)
            {
                continue;
            }

            pooled.Add(Functional.RoiAlign(features[l], rois.IndexSelect(0, index), 1.0 / Strides[l], OutputSize,
                OutputSize, SamplingRatio, Aligned, Implementation));
            order.Add(index);
        }

        if (pooled.Count == 0)
        {
            return (scope.MoveToOuter(Tensor.Zeros([0, features[0].Size(1), OutputSize, OutputSize], device: features[0].Device)), levels);
        }

        // Level results are concatenated level by level; put them back in the RoIs' order.
        var permutation = Tensor.Cat(order);
        var inverse = Tensor.ZerosLike(permutation).Scatter(0, permutation, Tensor.Arange(permutation.Size(0), ScalarType.Int64, permutation.Device));
        return (scope.MoveToOuter(Tensor.Cat(pooled).IndexSelect(0, inverse)), levels);
    }
}
